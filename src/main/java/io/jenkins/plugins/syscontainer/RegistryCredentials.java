package io.jenkins.plugins.syscontainer;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.security.ACL;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * A template's registry credentials: a Jenkins "Username with password" credential (global, looked up as the system,
 * since only administrators configure templates), handed to the engine for the host's pull and nowhere else.
 */
final class RegistryCredentials {
    private RegistryCredentials() {
    }

    /** The credentials with this id; throws naming the field when there is none. */
    static ImageSource.RegistryAuth resolve(String credentialsId) {
        StandardUsernamePasswordCredentials c = CredentialsProvider.findCredentialByIdInItemGroup(credentialsId,
                StandardUsernamePasswordCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of());
        if (c == null) {
            throw new IllegalArgumentException("field 'registryCredentialsId': no 'Username with password' credential"
                    + " with id '" + credentialsId + "'");
        }
        return new ImageSource.RegistryAuth(c.getUsername(), c.getPassword().getPlainText());
    }
}
