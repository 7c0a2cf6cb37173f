// Facade (compile only) of hudson.security.AbstractPasswordBasedSecurityRealm, org.jenkins-ci.main:jenkins-core 2.555.3. Type only (the superclass of JenkinsRule.DummySecurityRealm).
package hudson.security;

public abstract class AbstractPasswordBasedSecurityRealm extends SecurityRealm {
}
