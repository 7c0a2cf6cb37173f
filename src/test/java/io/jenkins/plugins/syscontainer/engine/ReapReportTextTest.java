package io.jenkins.plugins.syscontainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a reaper pass did, as the status page's last action and the reaper's log say it: words, not JSON. */
class ReapReportTextTest {
    @Test
    void aPassThatDidNothingSaysNothing() {
        assertEquals("", new ReapReport("local", List.of(), List.of(), List.of(), List.of()).text());
    }

    @Test
    void eachKindOfFindingIsASentencePart() {
        ReapReport r = new ReapReport("build-1", List.of("sca-docker-1a2b3c4d"), List.of("sca-docker-5e6f7a8b exit code 137"),
                List.of("removing abc: conflict"), List.of("sca-tmp-1", "sca-tmp-2"));
        assertEquals("host build-1: removed 1 leftover container (sca-docker-1a2b3c4d), 1 agent whose container ended "
                + "(sca-docker-5e6f7a8b exit code 137), removed 2 volumes (sca-tmp-1, sca-tmp-2), 1 error: removing abc: "
                + "conflict", r.text());
    }
}
