package io.jenkins.plugins.syscontainer.engine;

import java.util.regex.Pattern;

/**
 * Who an agent container belongs to: the controller instance, the cloud and template that made it, and the agent
 * (Jenkins node) name. Written into {@link Labels} and used to name the container.
 */
public record AgentIdentity(String controllerId, String cloud, String template, String agentName) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    public AgentIdentity {
        require(controllerId, "controllerId");
        require(cloud, "cloud");
        require(template, "template");
        if (agentName == null || !NAME.matcher(agentName).matches()) {
            throw new IllegalArgumentException("agentName '" + agentName
                    + "' must be 1-128 characters of letters, digits, '_', '.', '-', starting with a letter or digit"
                    + " (it names the container)");
        }
    }

    private static void require(String v, String field) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }
}
