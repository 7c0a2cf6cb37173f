package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** Docker's real error texts (captured from Docker 20.10) map to the right kinds. */
class FailureClassifierTest {
    private static FailureKind kind(Throwable t) {
        return FailureClassifier.classify(t, "h1", "creating container a1").kind();
    }

    @Test
    void dockerAnswersAreClassified() {
        assertEquals(FailureKind.IMAGE_MISSING, kind(new NotFoundException("Status 404: {\"message\":\"No such image: x:1\"}")));
        assertEquals(FailureKind.RUNTIME_MISSING, kind(new BadRequestException("Status 400: {\"message\":\"Unknown runtime specified sysbox-runc\"}")));
        assertEquals(FailureKind.BAD_TEMPLATE, kind(new NotFoundException("Status 404: {\"message\":\"network builds not found\"}")));
        assertEquals(FailureKind.UNKNOWN, kind(new InternalServerErrorException("failed to create endpoint x on network bridge:"
                + " adding interface veth1 to bridge docker0 failed: could not find bridge docker0: route ip+net: no such network interface")),
                "a broken host bridge is not the template's fault");
    }

    @Test
    void transportFailuresMeanTheHostIsUnavailable() {
        assertEquals(FailureKind.HOST_UNAVAILABLE, kind(new RuntimeException(new ConnectException("Connection refused"))));
        assertEquals(FailureKind.HOST_UNAVAILABLE, kind(new UncheckedIOException(new SocketTimeoutException("Read timed out"))));
        ProvisioningException e = FailureClassifier.classify(new RuntimeException(new ConnectException("Connection refused")),
                "h1", "creating volume v");
        assertTrue(e.getMessage().contains("host 'h1' while creating volume v: ConnectException: Connection refused"), e.getMessage());
    }

    @Test
    void kindsSayWhatToDo() {
        assertFalse(FailureKind.BAD_TEMPLATE.tryElsewhere());
        assertTrue(FailureKind.IMAGE_MISSING.tryElsewhere(), "another host may have the image");
        assertTrue(FailureKind.IMAGE_MISSING.templateFatal(), "once every host refused, the template is at fault");
        assertTrue(FailureKind.BAD_TEMPLATE.templateFatal());
        assertFalse(FailureKind.UNKNOWN.templateFatal(), "a transient failure suspends nothing");
        assertFalse(FailureKind.HOST_UNAVAILABLE.templateFatal());
        assertTrue(FailureKind.HOST_UNAVAILABLE.tryElsewhere());
        assertTrue(FailureKind.RUNTIME_MISSING.tryElsewhere());
        assertTrue(FailureKind.INNER_DOCKER_NOT_READY.retryOnFreshCache());
        assertFalse(FailureKind.UNKNOWN.retryOnFreshCache());
        ProvisioningException already = new ProvisioningException(FailureKind.BAD_TEMPLATE, "x");
        assertSame(already, FailureClassifier.classify(already, "h", "y"));
    }
}
