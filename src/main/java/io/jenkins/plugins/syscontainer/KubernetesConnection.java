package io.jenkins.plugins.syscontainer;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.domains.URIRequirementBuilder;
import hudson.security.ACL;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthConfig;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthException;

/**
 * Builds the fabric8 client of a Kubernetes placement the way kubernetes-plugin does: the API server's URL (empty: the
 * cluster Jenkins runs in, or the controller's kubeconfig), Kubernetes credentials turned into the client's
 * authentication by kubernetes-credentials, an optional CA certificate. Looks up credentials: never under a lock or
 * on the queue's path (the cloud builds its backend on a pool thread).
 */
final class KubernetesConnection {
    private KubernetesConnection() {
    }

    static KubernetesClient open(String serverUrl, String credentialsId, String serverCertificate, String namespace,
            int maxAgents) {
        ConfigBuilder b = serverUrl.isBlank() ? new ConfigBuilder(Config.autoConfigure(null))
                : new ConfigBuilder().withMasterUrl(serverUrl);
        if (!serverCertificate.isBlank()) {
            b.withCaCertData(Base64.getEncoder().encodeToString(serverCertificate.getBytes(StandardCharsets.UTF_8)));
        }
        if (!credentialsId.isBlank()) {
            StandardCredentials c = CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(
                    StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2,
                    URIRequirementBuilder.fromUri(serverUrl).build()), CredentialsMatchers.withId(credentialsId));
            if (c == null) {
                throw new IllegalStateException("field 'credentialsId': no credentials with id '" + credentialsId + "'");
            }
            KubernetesAuth auth = AuthenticationTokens.convert(KubernetesAuth.class, c);
            if (auth == null) {
                throw new IllegalStateException("field 'credentialsId': credentials '" + credentialsId + "' are of a"
                        + " kind Kubernetes cannot use (a secret text token, username and password, a certificate,"
                        + " a kubeconfig file or the service account's own token can be)");
            }
            try {
                b = auth.decorate(b, new KubernetesAuthConfig(b.getMasterUrl(),
                        serverCertificate.isBlank() ? null : serverCertificate, false));
            } catch (KubernetesAuthException e) {
                throw new IllegalStateException("field 'credentialsId': " + e.getMessage(), e);
            }
        }
        // Each waiting provision holds a watch-backed future, not a connection; writes are short. The request limit
        // only keeps a burst of provisions from queueing inside the client.
        b.withNamespace(namespace).withConnectionTimeout(10_000).withRequestTimeout(30_000)
                .withMaxConcurrentRequests(Math.max(64, maxAgents));
        return new KubernetesClientBuilder().withConfig(b.build()).build();
    }
}
