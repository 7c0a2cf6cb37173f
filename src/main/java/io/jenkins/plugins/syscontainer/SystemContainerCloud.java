package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner.PlannedNode;
import java.util.Collection;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * The cloud that provisions Sysbox system containers as Jenkins agents.
 *
 * <p>Skeleton: hosts, templates and provisioning arrive with the Jenkins-layer work; until then this cloud can be
 * configured but never offers to provision, so Jenkins never waits on it.
 */
public class SystemContainerCloud extends Cloud {
    @DataBoundConstructor
    public SystemContainerCloud(String name) {
        super(name);
    }

    @Override
    public boolean canProvision(CloudState state) {
        return false;
    }

    @Override
    public Collection<PlannedNode> provision(CloudState state, int excessWorkload) {
        return List.of();
    }

    @Extension
    @Symbol("systemContainer")
    public static final class DescriptorImpl extends Descriptor<Cloud> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "System Container Agents (Sysbox)";
        }
    }
}
