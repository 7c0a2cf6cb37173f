package io.jenkins.plugins.syscontainer.pipeline;

import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.TemplateValidation;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.io.FilenameUtils;
import org.apache.commons.io.IOCase;

/**
 * What a Jenkinsfile may ask of an administrator's template, and the one-off template it then gets. A Pipeline may use
 * only a template offered to pipelines, and may only narrow it: fewer CPUs, less memory, fewer processes; an image
 * only from the template's list of images pipelines may choose; images preloaded only from that list (preloading
 * copies from the host's image store, which holds other teams' images); its own cache keys, private to its job. It
 * never chooses the runtime, a golden volume or registry credentials. Every refusal names the argument and the limit.
 */
final class PipelineOverrides {
    /** The step's arguments; null means "as the template has it". */
    record Request(String image, Double cpus, Long memoryMb, Long pidsLimit, String env, String cache, String preloadImages,
            Integer readyTimeoutSeconds, Integer launchTimeoutSeconds, String launchMethod, String pullPolicy) {
    }

    private PipelineOverrides() {
    }

    /**
     * The template a step uses: the one {@code template} names, which must be offered to pipelines, or else the cloud's
     * first template that is; throws {@link IllegalArgumentException} saying why there is none.
     */
    static AgentTemplate base(SystemContainerCloud cloud, String template) {
        if (template != null) {
            AgentTemplate t = cloud.template(template);
            if (t == null) {
                throw new IllegalArgumentException("argument 'template': cloud '" + cloud.name + "' has no template named '"
                        + template + "'");
            }
            if (!t.isAllowInPipelines()) {
                throw new IllegalArgumentException("argument 'template': template '" + template + "' of cloud '" + cloud.name
                        + "' is not offered to pipelines (an administrator can tick 'Usable by the systemContainerAgent step')");
            }
            return t;
        }
        for (AgentTemplate t : cloud.getTemplates()) {
            if (t.isAllowInPipelines()) {
                return t;
            }
        }
        throw new IllegalArgumentException("cloud '" + cloud.name + "' offers no template to pipelines (an administrator"
                + " can tick 'Usable by the systemContainerAgent step' on a template)");
    }

    /**
     * The one-off template for one step: the base template's settings, narrowed by the request; throws
     * {@link IllegalArgumentException} naming the first argument that asks for more than the template allows.
     */
    static AgentTemplate apply(AgentTemplate base, Request r, String jobFullName) {
        List<String> refused = new ArrayList<>();
        AgentTemplate t = copy(base);
        if (r.image() != null && !r.image().equals(base.getImage())) {
            if (!imageAllowed(base, r.image())) {
                refused.add("argument 'image': '" + r.image() + "' is not among the images template '" + base.getName()
                        + "' lets pipelines choose (" + describe(base) + ")");
            }
            // The administrator's registry credentials are for the template's image only.
            t.setRegistryCredentialsId("");
            set(refused, "image", () -> t.setImage(r.image()));
        }
        if (r.cpus() != null) {
            if (r.cpus() > base.getCpus()) {
                refused.add("argument 'cpus': " + r.cpus() + " is more than template '" + base.getName() + "' allows ("
                        + base.getCpus() + ")");
            }
            set(refused, "cpus", () -> t.setCpus(r.cpus()));
        }
        if (r.memoryMb() != null) {
            if (r.memoryMb() > base.getMemoryMb()) {
                refused.add("argument 'memoryMb': " + r.memoryMb() + " is more than template '" + base.getName()
                        + "' allows (" + base.getMemoryMb() + ")");
            }
            set(refused, "memoryMb", () -> t.setMemoryMb(r.memoryMb()));
        }
        if (r.pidsLimit() != null) {
            if (r.pidsLimit() > base.getPidsLimit()) {
                refused.add("argument 'pidsLimit': " + r.pidsLimit() + " is more than template '" + base.getName()
                        + "' allows (" + base.getPidsLimit() + ")");
            }
            set(refused, "pidsLimit", () -> t.setPidsLimit(r.pidsLimit()));
        }
        if (r.env() != null) {
            String both = (base.getEnv() + "\n" + r.env()).strip();
            set(refused, "env", () -> t.setEnv(both));
        }
        if (r.cache() != null) {
            set(refused, "cache", () -> t.setCacheKey(SystemContainerTemplateStep.jobCacheKey(jobFullName, r.cache())));
        }
        if (r.preloadImages() != null) {
            List<String> own = TemplateValidation.lines(base.getPreloadImages());
            for (String image : TemplateValidation.lines(r.preloadImages())) {
                if (!own.contains(image) && !image.equals(base.getImage()) && !imageAllowed(base, image)) {
                    refused.add("argument 'preloadImages': '" + image + "' is not among the images template '"
                            + base.getName() + "' lets pipelines choose (" + describe(base) + ")");
                }
            }
            set(refused, "preloadImages", () -> t.setPreloadImages(r.preloadImages()));
        }
        if (r.readyTimeoutSeconds() != null) {
            set(refused, "readyTimeoutSeconds", () -> t.setReadyTimeoutSeconds(r.readyTimeoutSeconds()));
        }
        if (r.launchTimeoutSeconds() != null) {
            set(refused, "launchTimeoutSeconds", () -> t.setLaunchTimeoutSeconds(r.launchTimeoutSeconds()));
        }
        if (r.launchMethod() != null) {
            set(refused, "launchMethod", () -> t.setLaunchMethod(r.launchMethod()));
        }
        if (r.pullPolicy() != null) {
            set(refused, "pullPolicy", () -> t.setPullPolicy(r.pullPolicy()));
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", refused));
        }
        t.setMode(hudson.model.Node.Mode.EXCLUSIVE); // only the step's own node block runs there
        t.setStandbyAgents(0); // a one-off template keeps no pool of its own
        t.setIdleMinutes(0);
        t.setNumExecutors(1);
        t.setAllowInPipelines(false);
        return t;
    }

    /** Applies one argument; a value that can never work is refused naming the argument (not the template's field). */
    private static void set(List<String> refused, String argument, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            refused.add(String.valueOf(e.getMessage()).replaceFirst("^(field|argument) '[^']*'", "argument '" + argument + "'"));
        }
    }

    /**
     * Whether the image matches one of the template's patterns for pipelines ('*' matches any run of characters,
     * '/' included; '?' one character, though no valid pattern contains it).
     */
    static boolean imageAllowed(AgentTemplate base, String image) {
        for (String pattern : TemplateValidation.lines(base.getPipelineImages())) {
            if (FilenameUtils.wildcardMatch(image, pattern, IOCase.SENSITIVE)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(AgentTemplate base) {
        List<String> patterns = TemplateValidation.lines(base.getPipelineImages());
        return patterns.isEmpty() ? "none besides its own image " + base.getImage() : String.join(", ", patterns);
    }

    /** A field-by-field copy of the base template under the same name (caps and suspensions stay the base's). */
    static AgentTemplate copy(AgentTemplate base) {
        AgentTemplate t = new AgentTemplate(base.getName());
        t.setLabelString(base.getLabelString());
        t.setMode(base.getMode());
        t.setImage(base.getImage());
        t.setRuntime(base.getRuntime());
        t.setCpus(base.getCpus());
        t.setMemoryMb(base.getMemoryMb());
        t.setPidsLimit(base.getPidsLimit());
        t.setEnv(base.getEnv());
        t.setRemoteFs(base.getRemoteFs());
        t.setCacheKey(base.getEffectiveCacheKey() == null ? AgentTemplate.NO_CACHE : base.getEffectiveCacheKey());
        t.setCacheMaxVolumes(base.getCacheMaxVolumes());
        t.setPreloadImages(base.getPreloadImages());
        t.setCacheIdleDays(base.getCacheIdleDays());
        t.setGoldenVolume(base.getGoldenVolume());
        t.setKeepQuarantined(base.isKeepQuarantined());
        t.setLaunchMethod(base.getLaunchMethod());
        t.setPullPolicy(base.getPullPolicy());
        t.setRegistryCredentialsId(base.getRegistryCredentialsId());
        t.setReadyTimeoutSeconds(base.getReadyTimeoutSeconds());
        t.setLaunchTimeoutSeconds(base.getLaunchTimeoutSeconds());
        t.setInstanceCap(base.getInstanceCap());
        t.setPipelineImages(base.getPipelineImages());
        return t;
    }

}
