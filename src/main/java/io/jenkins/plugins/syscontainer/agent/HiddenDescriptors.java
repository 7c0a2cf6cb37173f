package io.jenkins.plugins.syscontainer.agent;

import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.DescriptorVisibilityFilter;

/**
 * Keeps this plugin's launchers and retention strategy out of the choices offered for ordinary agents: they only work
 * on system container agents, which the cloud creates with them, so choosing one for another agent would fail.
 */
@Extension
public class HiddenDescriptors extends DescriptorVisibilityFilter {
    @Override
    @SuppressWarnings("rawtypes") // the signature of the extension point
    public boolean filter(Object context, Descriptor descriptor) {
        return !ours(descriptor);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean filterType(Class<?> contextClass, Descriptor descriptor) {
        return !ours(descriptor);
    }

    static boolean ours(Descriptor<?> d) {
        return d instanceof AttachLauncher.DescriptorImpl || d instanceof InboundWebSocketLauncher.DescriptorImpl
                || d instanceof OneShotRetention.DescriptorImpl;
    }
}
