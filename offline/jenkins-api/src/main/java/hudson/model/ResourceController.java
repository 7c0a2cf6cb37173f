// Facade (compile only) of hudson.model.ResourceController, org.jenkins-ci.main:jenkins-core 2.555.3. No members are used.
package hudson.model;

public class ResourceController {
}
