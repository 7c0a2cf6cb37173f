// Facade (compile only) of hudson.ExtensionPoint, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson;

public interface ExtensionPoint {
}
