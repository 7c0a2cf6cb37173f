package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BytePipeTest {
    @Test
    void carriesMoreThanItsCapacityBetweenThreadsInOrder() throws Exception {
        BytePipe pipe = new BytePipe(1000);
        byte[] data = new byte[1_000_003];
        new Random(1).nextBytes(data);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = pipe.output()) {
                Random r = new Random(2);
                for (int off = 0; off < data.length; ) {
                    int n = Math.min(1 + r.nextInt(3000), data.length - off);
                    out.write(data, off, n);
                    off += n;
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        pipe.input().transferTo(got);
        writer.get(10, TimeUnit.SECONDS);
        assertArrayEquals(data, got.toByteArray());
    }

    @Test
    void readerCloseFailsTheWriterInsteadOfBlockingIt() throws Exception {
        BytePipe pipe = new BytePipe(4);
        OutputStream out = pipe.output();
        out.write(new byte[4]);
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> assertThrows(IOException.class, () -> out.write(1)));
        Thread.sleep(50);
        pipe.input().close();
        blocked.get(5, TimeUnit.SECONDS);
    }

    @Test
    void writerCloseIsEndOfStreamAfterTheBufferedBytes() throws Exception {
        BytePipe pipe = new BytePipe(16);
        pipe.output().write(new byte[] {1, 2, 3});
        pipe.output().close();
        InputStream in = pipe.input();
        assertEquals(3, in.available());
        assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
        assertEquals(-1, in.read());
    }
}
