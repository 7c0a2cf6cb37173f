// Facade (compile only) of hudson.security.AuthorizationStrategy, org.jenkins-ci.main:jenkins-core 2.555.3. Type only (its abstract getRootACL() and getGroups() are left out).
package hudson.security;

import hudson.ExtensionPoint;
import hudson.model.Describable;

public abstract class AuthorizationStrategy implements Describable<AuthorizationStrategy>, ExtensionPoint {
}
