package io.jenkins.plugins.syscontainer.engine.docker;

import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import org.junit.jupiter.api.Test;

/** The end-to-end scenario over the local unix socket. */
class EngineEndToEndDockerTest {
    @Test
    void provisionRunInnerContainerCarryTenMegabytesAndTerminate() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            EndToEndScenario.run(fx.engine, fx.docker, fx);
        }
    }
}
