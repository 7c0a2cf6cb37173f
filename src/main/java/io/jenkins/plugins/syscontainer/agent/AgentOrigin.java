package io.jenkins.plugins.syscontainer.agent;

import java.io.Serializable;

/**
 * Where an agent comes from: its cloud (by id, kept across renames, and the name it had), its template and the
 * digest of the template's settings it was started from, and for a pipeline step's agent the one-off label it serves;
 * {@code standby} for an agent started ahead of demand.
 */
public record AgentOrigin(String cloudId, String cloudName, String templateName, String settings, String stepLabel,
        boolean standby) implements Serializable {
}
