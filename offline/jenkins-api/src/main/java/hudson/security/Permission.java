// Facade (compile only) of hudson.security.Permission, org.jenkins-ci.main:jenkins-core 2.555.3. Type only (its constructors need types not in the facade).
package hudson.security;

public final class Permission {
}
