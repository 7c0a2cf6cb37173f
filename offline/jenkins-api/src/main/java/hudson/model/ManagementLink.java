// Facade (compile only) of hudson.model.ManagementLink, org.jenkins-ci.main:jenkins-core 2.555.3. Type only (the superclass of ConfigurationAsCode).
package hudson.model;

import hudson.ExtensionPoint;

public abstract class ManagementLink implements ExtensionPoint {
}
