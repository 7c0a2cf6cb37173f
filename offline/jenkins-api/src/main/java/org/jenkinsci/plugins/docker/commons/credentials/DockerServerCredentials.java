// Facade (compile only) of org.jenkinsci.plugins.docker.commons.credentials.DockerServerCredentials, org.jenkins-ci.plugins:docker-commons 477.v289085a_b_6896 (checked against source ee120e23 = 472.vee120e23d3a_c).
package org.jenkinsci.plugins.docker.commons.credentials;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.impl.BaseStandardCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.util.Secret;
import org.kohsuke.stapler.DataBoundConstructor;

public class DockerServerCredentials extends BaseStandardCredentials {
    @DataBoundConstructor
    public DockerServerCredentials(CredentialsScope scope, String id, String description,
                                   @CheckForNull Secret clientKeySecret, @CheckForNull String clientCertificate,
                                   @CheckForNull String serverCaCertificate) {
        super(scope, id, description);
        throw new UnsupportedOperationException("facade");
    }

    @CheckForNull
    public Secret getClientKeySecret() {
        throw new UnsupportedOperationException("facade");
    }

    @CheckForNull
    public String getClientCertificate() {
        throw new UnsupportedOperationException("facade");
    }

    @CheckForNull
    public String getServerCaCertificate() {
        throw new UnsupportedOperationException("facade");
    }
}
