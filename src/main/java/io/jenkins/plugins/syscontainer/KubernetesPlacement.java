package io.jenkins.plugins.syscontainer;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.domains.URIRequirementBuilder;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesBackend;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesSettings.UserNamespaceMode;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesSettings;
import io.jenkins.plugins.syscontainer.engine.k8s.PodExec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Agents as pods of one namespace of a Kubernetes cluster, under the Sysbox runtime class, instead of on a list of
 * Docker hosts (the client is built by {@link KubernetesConnection}). Every setting is checked when it is set, naming
 * the field ({@link KubernetesFields}).
 */
public class KubernetesPlacement extends AbstractDescribableImpl<KubernetesPlacement> implements Placement {
    static final String DEFAULT_NAMESPACE = "jenkins-agents";
    static final String DEFAULT_RUNTIME_CLASS = "sysbox-runc";

    private String serverUrl = "";
    private String credentialsId = "";
    private String serverCertificate = "";
    private String namespace = DEFAULT_NAMESPACE;
    private String runtimeClass = DEFAULT_RUNTIME_CLASS;
    private String userNamespace = "auto";
    private String serviceAccount = "";
    private int dockerDataGb = 50;
    private boolean pvcCache;
    private String storageClass = "";
    /** Null in configurations saved before the field existed: on. */
    private Boolean readWriteOncePod = Boolean.TRUE;
    private int cacheBudgetGb = 500;
    private int maxAgents = 100;

    @DataBoundConstructor
    public KubernetesPlacement() {
    }

    /** Fields added after a configuration was saved come back null from XStream: give them their defaults. */
    protected Object readResolve() {
        serverUrl = serverUrl == null ? "" : serverUrl;
        credentialsId = credentialsId == null ? "" : credentialsId;
        serverCertificate = serverCertificate == null ? "" : serverCertificate;
        namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
        runtimeClass = runtimeClass == null ? DEFAULT_RUNTIME_CLASS : runtimeClass;
        userNamespace = userNamespace == null ? "auto" : userNamespace;
        serviceAccount = serviceAccount == null ? "" : serviceAccount;
        storageClass = storageClass == null ? "" : storageClass;
        readWriteOncePod = readWriteOncePod == null ? Boolean.TRUE : readWriteOncePod;
        dockerDataGb = dockerDataGb <= 0 ? 50 : dockerDataGb;
        cacheBudgetGb = cacheBudgetGb <= 0 ? 500 : cacheBudgetGb;
        maxAgents = maxAgents <= 0 ? 100 : maxAgents;
        return this;
    }

    /** The place agents are shown under: the namespace. */
    public String getPlaceName() {
        return "kubernetes/" + namespace;
    }

    @Override
    public String fingerprint() {
        return String.join("|", "kubernetes", serverUrl, credentialsId, Integer.toHexString(serverCertificate.hashCode()),
                namespace, runtimeClass, userNamespace, serviceAccount, Integer.toString(dockerDataGb),
                Boolean.toString(pvcCache), storageClass, String.valueOf(readWriteOncePod), Integer.toString(maxAgents));
    }

    /** What the engine is given (the user namespace mode {@code auto} is resolved by the backend). */
    public KubernetesSettings settings() {
        return KubernetesSettings.defaults(getPlaceName(), namespace, runtimeClass)
                .withUserNamespace(switch (userNamespace) {
                    case "hostUsers" -> UserNamespaceMode.HOST_USERS;
                    case "crioAnnotation" -> UserNamespaceMode.CRIO_ANNOTATION;
                    default -> UserNamespaceMode.AUTO;
                })
                .withServiceAccount(serviceAccount).withDockerDataGi(dockerDataGb).withPvcCache(pvcCache, storageClass)
                .withReadWriteOncePod(isReadWriteOncePod()).withMaxAgents(maxAgents);
    }

    @Override
    public AgentBackend build(String scope, SecurityPolicy policy, Path ledger, AgentBackend previous) {
        KubernetesClient client = client();
        return new KubernetesBackend(scope, client, settings(), policy, podExec(client), Clock.systemUTC(), previous);
    }

    /** How commands reach the pods: the API server's exec (a test without a kubelet overrides this). */
    protected PodExec podExec(KubernetesClient client) {
        return KubernetesBackend.execOver(client);
    }

    /** A client of the cluster; looks up the credentials (not for a lock or the queue). */
    protected KubernetesClient client() {
        return KubernetesConnection.open(serverUrl, credentialsId, serverCertificate, namespace, maxAgents);
    }

    @Override
    public Map<String, String> places() {
        return Map.of(getPlaceName(), serverUrl.isBlank() ? "(the cluster Jenkins runs in)" : serverUrl);
    }

    @Override
    public Map<String, Long> cacheBudgets() {
        return Map.of(getPlaceName(), (long) cacheBudgetGb << 30);
    }

    @Override
    public ProbeResult probe(String place, SecurityPolicy policy, SystemContainerSpec spec, Duration timeout)
            throws InterruptedException {
        try (KubernetesClient client = client()) {
            String scope = "probe";
            return KubernetesBackend.probeCluster(scope, client, settings(), policy, podExec(client), spec, timeout);
        }
    }

    @Override
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        add(out, "serverUrl", KubernetesFields.serverUrl(serverUrl));
        add(out, "namespace", KubernetesFields.dnsLabel(namespace));
        add(out, "runtimeClass", KubernetesFields.subdomain(runtimeClass, false));
        add(out, "serviceAccount", KubernetesFields.subdomain(serviceAccount, true));
        add(out, "storageClass", KubernetesFields.subdomain(storageClass, true));
        add(out, "userNamespace", KubernetesFields.userNamespace(userNamespace));
        add(out, "dockerDataGb", TemplateValidation.range(dockerDataGb, 1, 65536));
        add(out, "cacheBudgetGb", TemplateValidation.range(cacheBudgetGb, 1, 1 << 20));
        add(out, "maxAgents", TemplateValidation.range(maxAgents, 1, 100_000));
        return out;
    }

    /** This placement in a cloud that lists Docker hosts too: a save is refused, naming the field. */
    Placement besideDockerHosts() {
        return new BesideDockerHosts(this);
    }

    private static void add(List<String> out, String field, String problem) {
        if (problem != null) {
            out.add("Kubernetes: field '" + field + "' " + problem);
        }
    }

    private static String checked(String field, String value, String problem) {
        TemplateValidation.require(field, problem);
        return value;
    }

    public String getServerUrl() {
        return serverUrl;
    }

    @DataBoundSetter
    public void setServerUrl(String v) {
        serverUrl = checked("serverUrl", v == null ? "" : v.trim(), KubernetesFields.serverUrl(v));
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String v) {
        credentialsId = v == null ? "" : v.trim();
    }

    public String getServerCertificate() {
        return serverCertificate;
    }

    @DataBoundSetter
    public void setServerCertificate(String v) {
        serverCertificate = checked("serverCertificate", KubernetesFields.trimmed(v), KubernetesFields.certificate(v));
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String v) {
        namespace = checked("namespace", v == null ? "" : v.trim(), KubernetesFields.dnsLabel(v == null ? "" : v.trim()));
    }

    public String getRuntimeClass() {
        return runtimeClass;
    }

    @DataBoundSetter
    public void setRuntimeClass(String v) {
        String t = v == null || v.isBlank() ? DEFAULT_RUNTIME_CLASS : v.trim();
        runtimeClass = checked("runtimeClass", t, KubernetesFields.subdomain(t, false));
    }

    public String getUserNamespace() {
        return userNamespace;
    }

    @DataBoundSetter
    public void setUserNamespace(String v) {
        String t = v == null || v.isBlank() ? "auto" : v.trim();
        userNamespace = checked("userNamespace", t, KubernetesFields.userNamespace(t));
    }

    public String getServiceAccount() {
        return serviceAccount;
    }

    @DataBoundSetter
    public void setServiceAccount(String v) {
        String t = v == null ? "" : v.trim();
        serviceAccount = checked("serviceAccount", t, KubernetesFields.subdomain(t, true));
    }

    public int getDockerDataGb() {
        return dockerDataGb;
    }

    @DataBoundSetter
    public void setDockerDataGb(int v) {
        TemplateValidation.require("dockerDataGb", TemplateValidation.range(v, 1, 65536));
        dockerDataGb = v;
    }

    public boolean isPvcCache() {
        return pvcCache;
    }

    @DataBoundSetter
    public void setPvcCache(boolean v) {
        pvcCache = v;
    }

    public String getStorageClass() {
        return storageClass;
    }

    @DataBoundSetter
    public void setStorageClass(String v) {
        String t = v == null ? "" : v.trim();
        storageClass = checked("storageClass", t, KubernetesFields.subdomain(t, true));
    }

    public boolean isReadWriteOncePod() {
        return !Boolean.FALSE.equals(readWriteOncePod);
    }

    /** Cache claims ask for ReadWriteOncePod (off: ReadWriteOnce, for CSI drivers without it). */
    @DataBoundSetter
    public void setReadWriteOncePod(boolean v) {
        readWriteOncePod = v;
    }

    public int getCacheBudgetGb() {
        return cacheBudgetGb;
    }

    @DataBoundSetter
    public void setCacheBudgetGb(int v) {
        TemplateValidation.require("cacheBudgetGb", TemplateValidation.range(v, 1, 1 << 20));
        cacheBudgetGb = v;
    }

    public int getMaxAgents() {
        return maxAgents;
    }

    @DataBoundSetter
    public void setMaxAgents(int v) {
        TemplateValidation.require("maxAgents", TemplateValidation.range(v, 1, 100_000));
        maxAgents = v;
    }

    @Extension
    @Symbol("kubernetes")
    public static class DescriptorImpl extends Descriptor<KubernetesPlacement> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.KubernetesPlacement_DisplayName();
        }

        private static FormValidation of(String problem) {
            return problem == null ? FormValidation.ok() : FormValidation.error(problem);
        }

        @POST
        public FormValidation doCheckServerUrl(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return of(KubernetesFields.serverUrl(value));
        }

        @POST
        public FormValidation doCheckNamespace(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return of(KubernetesFields.dnsLabel(value == null ? "" : value.trim()));
        }

        @POST
        public FormValidation doCheckRuntimeClass(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return of(KubernetesFields.subdomain(value == null ? "" : value.trim(), false));
        }

        @POST
        public FormValidation doCheckServiceAccount(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return of(KubernetesFields.subdomain(value == null ? "" : value.trim(), true));
        }

        @POST
        public FormValidation doCheckStorageClass(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return of(KubernetesFields.subdomain(value == null ? "" : value.trim(), true));
        }

        @POST
        public FormValidation doCheckDockerDataGb(@QueryParameter int value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return of(TemplateValidation.range(value, 1, 65536));
        }

        @POST
        public FormValidation doCheckCacheBudgetGb(@QueryParameter int value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return of(TemplateValidation.range(value, 1, 1 << 20));
        }

        @POST
        public FormValidation doCheckMaxAgents(@QueryParameter int value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return of(TemplateValidation.range(value, 1, 100_000));
        }

        @POST
        public FormValidation doCheckPvcCache(@QueryParameter boolean value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return value ? FormValidation.warning(Messages.KubernetesPlacement_PvcCacheWarning()) : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckServerCertificate(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return of(KubernetesFields.certificate(value));
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String serverUrl,
                @QueryParameter String credentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return new StandardListBoxModel().includeEmptyValue()
                    .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class,
                            URIRequirementBuilder.fromUri(serverUrl).build(),
                            AuthenticationTokens.matcher(KubernetesAuth.class))
                    .includeCurrentValue(credentialsId == null ? "" : credentialsId);
        }

        public ListBoxModel doFillUserNamespaceItems() {
            ListBoxModel m = new ListBoxModel();
            m.add(Messages.KubernetesPlacement_UserNamespaceAuto(), "auto");
            m.add("hostUsers: false", "hostUsers");
            m.add("io.kubernetes.cri-o.userns-mode: auto", "crioAnnotation");
            return m;
        }
    }
}
