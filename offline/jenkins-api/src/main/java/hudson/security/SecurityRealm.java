// Facade (compile only) of hudson.security.SecurityRealm, org.jenkins-ci.main:jenkins-core 2.555.3. Type only (its abstract createSecurityComponents() is left out).
package hudson.security;

import hudson.ExtensionPoint;
import hudson.model.Describable;

public abstract class SecurityRealm implements Describable<SecurityRealm>, ExtensionPoint {
}
