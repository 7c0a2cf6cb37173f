// Facade (compile only) of hudson.model.Item, org.jenkins-ci.main:jenkins-core 2.555.3. Type only.
package hudson.model;

import hudson.security.AccessControlled;

public interface Item extends AccessControlled {
}
