// Facade (compile only) of hudson.model.Hudson, org.jenkins-ci.main:jenkins-core 2.555.3. Only the nested CloudList type (the type of Jenkins.clouds) is used.
package hudson.model;

import jenkins.model.Jenkins;

public class Hudson extends Jenkins {
    public static class CloudList extends Jenkins.CloudList {
        public CloudList() {
            throw new UnsupportedOperationException("facade");
        }
    }
}
