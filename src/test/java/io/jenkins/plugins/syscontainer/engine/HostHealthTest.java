package io.jenkins.plugins.syscontainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HostHealthTest {
    @Test
    void backoffDoublesUpToFiveMinutesAndRecoversByItself() {
        MutableClock clock = new MutableClock();
        HostHealth h = new HostHealth(clock);
        assertTrue(h.isAvailable());
        long[] expected = {5, 10, 20, 40, 80, 160, 300, 300};
        for (long seconds : expected) {
            h.markFailure("connection refused");
            assertFalse(h.isAvailable());
            assertEquals(clock.instant().plusSeconds(seconds), h.retryAt());
            clock.advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertFalse(h.isAvailable());
            clock.advance(Duration.ofMillis(1));
            assertTrue(h.isAvailable(), "available again after " + seconds + " s");
        }
        assertEquals(8, h.consecutiveFailures());
        assertEquals("connection refused", h.lastError());
        h.markSuccess();
        assertEquals(0, h.consecutiveFailures());
        assertNull(h.retryAt());
        h.markFailure("again");
        assertEquals(clock.instant().plusSeconds(5), h.retryAt(), "a success resets the backoff");
    }
}
