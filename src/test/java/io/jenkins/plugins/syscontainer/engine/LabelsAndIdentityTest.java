package io.jenkins.plugins.syscontainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsAndIdentityTest {
    @Test
    void agentLabelsCarryIdentityVolumeAndTimeButNothingElse() {
        AgentIdentity id = new AgentIdentity("ctrl", "cloud one", "tpl", "agent-1");
        Map<String, String> l = Labels.forAgent(id, "vol-1", Instant.parse("2026-01-02T03:04:05Z"));
        assertEquals(Map.of(Labels.ROLE, "agent", Labels.CONTROLLER, "ctrl", Labels.CLOUD, "cloud one",
                Labels.TEMPLATE, "tpl", Labels.AGENT, "agent-1", Labels.CACHE_VOLUME, "vol-1",
                Labels.CREATED_AT, "2026-01-02T03:04:05Z"), l);
    }

    @Test
    void userLabelKeysOutsideReservedPrefixes() {
        assertNull(Labels.checkUserKey("team.build-pool"));
        assertNotNull(Labels.checkUserKey("io.jenkins.syscontainer.x"));
        assertNotNull(Labels.checkUserKey("-bad"));
        assertNotNull(Labels.checkUserKey(""));
    }

    @Test
    void identityAndRequestValidateTheirFields() {
        assertThrows(IllegalArgumentException.class, () -> new AgentIdentity("c", "cl", "t", "has space"));
        assertThrows(IllegalArgumentException.class, () -> new AgentIdentity("", "cl", "t", "a"));
        SystemContainerSpec spec = SystemContainerSpec.builder("x").build();
        AgentIdentity id = new AgentIdentity("c", "cl", "t", "a");
        assertEquals(ProvisionRequest.DEFAULT_READY_TIMEOUT, new ProvisionRequest(id, spec, null, null).readyTimeout());
        assertThrows(IllegalArgumentException.class, () -> new ProvisionRequest(id, spec, null, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new ProvisionRequest(id, spec, null, Duration.ofHours(1)));
    }
}
