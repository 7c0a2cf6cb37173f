package io.jenkins.plugins.syscontainer;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.docker.DockerBackend;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.docker.commons.credentials.DockerServerCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * One Docker host of a cloud: its endpoint, the docker-commons "Docker Server Credentials" holding the TLS client key,
 * certificate and CA (for tcp:// hosts), and its limits.
 */
public class DockerHostEntry implements Describable<DockerHostEntry> {
    private final String name;
    private final String uri;
    private String credentialsId;
    private int maxAgents = DockerHost.DEFAULT_MAX_AGENTS;
    private int cacheBudgetGb = 100;
    private int connectTimeoutSeconds = (int) DockerHost.DEFAULT_CONNECT_TIMEOUT.toSeconds();
    private int responseTimeoutSeconds = (int) DockerHost.DEFAULT_RESPONSE_TIMEOUT.toSeconds();

    @DataBoundConstructor
    public DockerHostEntry(String name, String uri) {
        this.name = name == null ? "" : name.trim();
        this.uri = uri == null ? "" : uri.trim();
    }

    /** Fields added after a configuration was saved come back as 0 from XStream: give them their defaults. */
    protected Object readResolve() {
        if (maxAgents <= 0) {
            maxAgents = DockerHost.DEFAULT_MAX_AGENTS;
        }
        if (cacheBudgetGb <= 0) {
            cacheBudgetGb = 100;
        }
        if (connectTimeoutSeconds <= 0) {
            connectTimeoutSeconds = (int) DockerHost.DEFAULT_CONNECT_TIMEOUT.toSeconds();
        }
        if (responseTimeoutSeconds <= 0) {
            responseTimeoutSeconds = (int) DockerHost.DEFAULT_RESPONSE_TIMEOUT.toSeconds();
        }
        return this;
    }

    /** Null when the name is usable (it labels the host's containers and shows in messages), otherwise why not. */
    public static String nameProblem(String name) {
        return name != null && name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,39}") ? null : Messages.DockerHostEntry_BadName();
    }

    /** Null when the endpoint is usable, otherwise why not. */
    public static String uriProblem(String uri) {
        if (uri == null || uri.isBlank()) {
            return "is empty";
        }
        try {
            URI u = URI.create(uri.trim());
            if ("unix".equals(u.getScheme()) && u.getPath() != null && !u.getPath().isEmpty()) {
                return null;
            }
            if ("tcp".equals(u.getScheme()) && u.getHost() != null && u.getPort() > 0) {
                return null;
            }
            return "must be unix:///path/to/docker.sock or tcp://HOST:PORT";
        } catch (IllegalArgumentException e) {
            return "is not a URI: " + e.getMessage();
        }
    }

    /**
     * Probes this host with an engine of its own (a probe scope: nothing of a cloud's is touched), which it closes
     * again. Looks up the TLS credential and talks to the host: not for request threads or locks.
     */
    static ProbeResult probe(DockerHostEntry entry, SecurityPolicy policy, SystemContainerSpec spec, Duration timeout)
            throws InterruptedException, java.io.IOException {
        try (DockerBackend engine = new DockerBackend(CloudEngines.get().scope("probe"),
                List.of(entry.toDockerHost(entry.resolveTls())), policy)) {
            return engine.probe(entry.getName(), spec, timeout);
        }
    }

    /** Every setting the host's engine is built from (the credential by id: no look-up). */
    String fingerprint() {
        return name + "=" + uri + "/" + credentialsId + "/" + maxAgents + "/" + connectTimeoutSeconds + "/"
                + responseTimeoutSeconds;
    }

    /** The engine's view of this host; TLS material comes from the credential (resolved by the caller). */
    public DockerHost toDockerHost(DockerHost.TlsMaterial tls) {
        String problem = uriProblem(uri);
        if (problem != null) {
            throw new IllegalArgumentException("Docker host '" + name + "': field 'uri' " + problem);
        }
        return new DockerHost(name, URI.create(uri), tls, Duration.ofSeconds(Math.max(1, connectTimeoutSeconds)),
                Duration.ofSeconds(Math.max(5, responseTimeoutSeconds)), Math.max(1, maxAgents));
    }

    /** The TLS material of the credential, or null when none is configured. */
    public DockerHost.TlsMaterial resolveTls() {
        if (credentialsId == null || credentialsId.isBlank()) {
            return null;
        }
        DockerServerCredentials c = CredentialsProvider.findCredentialByIdInItemGroup(credentialsId,
                DockerServerCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of());
        if (c == null) {
            throw new IllegalArgumentException("Docker host '" + name + "': field 'credentialsId': no Docker Server"
                    + " Credentials with id '" + credentialsId + "'");
        }
        hudson.util.Secret keySecret = c.getClientKeySecret();
        String key = keySecret == null ? null : keySecret.getPlainText();
        String cert = c.getClientCertificate();
        String ca = c.getServerCaCertificate();
        if (key == null || cert == null || ca == null) {
            throw new IllegalArgumentException("Docker host '" + name + "': credential '" + credentialsId
                    + "' must hold the client key, the client certificate and the server CA certificate");
        }
        return new DockerHost.TlsMaterial(key, cert, ca);
    }

    public String getName() {
        return name;
    }

    public String getUri() {
        return uri;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String v) {
        credentialsId = v == null || v.isBlank() ? null : v;
    }

    public int getMaxAgents() {
        return maxAgents;
    }

    @DataBoundSetter
    public void setMaxAgents(int v) {
        TemplateValidation.require("maxAgents", TemplateValidation.range(v, 1, 10_000));
        maxAgents = v;
    }

    public int getCacheBudgetGb() {
        return cacheBudgetGb;
    }

    @DataBoundSetter
    public void setCacheBudgetGb(int v) {
        TemplateValidation.require("cacheBudgetGb", TemplateValidation.range(v, 1, 1_000_000));
        cacheBudgetGb = v;
    }

    public int getConnectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    @DataBoundSetter
    public void setConnectTimeoutSeconds(int v) {
        TemplateValidation.require("connectTimeoutSeconds", TemplateValidation.seconds(v, 1, 300));
        connectTimeoutSeconds = v;
    }

    public int getResponseTimeoutSeconds() {
        return responseTimeoutSeconds;
    }

    @DataBoundSetter
    public void setResponseTimeoutSeconds(int v) {
        TemplateValidation.require("responseTimeoutSeconds", TemplateValidation.seconds(v, 5, 3600));
        responseTimeoutSeconds = v;
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<DockerHostEntry> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.DockerHostEntry_DisplayName();
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String p = nameProblem(value == null ? null : value.trim());
            return p == null ? FormValidation.ok() : FormValidation.error(p);
        }

        @POST
        public FormValidation doCheckUri(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String p = uriProblem(value);
            return p == null ? FormValidation.ok() : FormValidation.error("Docker host URI " + p);
        }

        @POST
        public FormValidation doCheckMaxAgents(@QueryParameter int value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return value >= 1 && value <= 10_000 ? FormValidation.ok() : FormValidation.error(Messages.DockerHostEntry_BadMaxAgents());
        }

        /** "Test connection" for one host: the engine's host probe, each check with pass/warn/fail. */
        @POST
        public FormValidation doTestConnection(@QueryParameter String name, @QueryParameter String uri,
                @QueryParameter String credentialsId) throws InterruptedException {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            DockerHostEntry entry = new DockerHostEntry(name == null || name.isBlank() ? "test" : name.trim(), uri);
            entry.setCredentialsId(credentialsId);
            try {
                // The host's check, not a template's: it starts the default agent image (help-testConnection says so).
                ProbeResult r = probe(entry, SecurityPolicy.defaultPolicy(),
                        SystemContainerSpec.builder(AgentTemplate.DEFAULT_IMAGE).build(), Duration.ofSeconds(60));
                TestConnectionResults.record(entry, r); // the status page shows it for this host once saved
                return ProbeReport.toFormValidation(r);
            } catch (IllegalArgumentException | java.io.IOException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return new StandardListBoxModel().includeEmptyValue()
                    .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), DockerServerCredentials.class, List.of(),
                            CredentialsMatchers.always())
                    .includeCurrentValue(credentialsId == null ? "" : credentialsId);
        }
    }
}
