package io.jenkins.plugins.syscontainer.engine.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Label values and DNS labels as Kubernetes defines them, checked without a backtracking pattern. */
class KubeNamesTest {
    @Test
    void labelValuesAndDnsLabels() {
        for (String ok : new String[] {"a", "Z9", "sca-docker-1a2b", "a_b.c-D", "x".repeat(63)}) {
            assertTrue(KubeNames.isName(ok, true), ok);
        }
        for (String bad : new String[] {"", "-a", "a-", "_a", "a.", "a b", "ä", "x".repeat(64)}) {
            assertFalse(KubeNames.isName(bad, true), bad);
        }
        assertTrue(KubeNames.isName("pool-1", false));
        assertFalse(KubeNames.isName("Pool-1", false), "upper case is no DNS label");
        assertFalse(KubeNames.isName("a_b", false), "nor is '_'");
        assertEquals("", KubeNames.labelValue(""), "an empty label value is one");
        assertEquals("sca-docker-1", KubeNames.labelValue("sca-docker-1"));
        assertTrue(KubeNames.labelValue("-x").startsWith("h-"), "not a label value: its digest");
        assertFalse(KubeNames.isName("a".repeat(100_000) + "!", true), "long input: refused, not backtracked over");
    }
}
