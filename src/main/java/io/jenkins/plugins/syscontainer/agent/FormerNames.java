package io.jenkins.plugins.syscontainer.agent;

import hudson.init.InitMilestone;
import hudson.init.Initializer;
import jenkins.model.Jenkins;

/**
 * Agents saved by versions that kept every class in one package ({@code nodes/NAME/config.xml} names the agent, its
 * launcher and its retention by class) load as the classes of the agent room.
 */
public final class FormerNames {
    static final String OLD = "io.jenkins.plugins.syscontainer.";

    private FormerNames() {
    }

    @Initializer(before = InitMilestone.PLUGINS_STARTED)
    public static void register() {
        for (Class<?> c : new Class<?>[] {SystemContainerAgent.class, OneShotRetention.class, AttachLauncher.class,
            InboundWebSocketLauncher.class}) {
            Jenkins.XSTREAM2.addCompatibilityAlias(OLD + c.getSimpleName(), c);
        }
    }
}
