// Facade (compile only) of hudson.remoting.Channel, org.jenkins-ci.main:remoting 3355.v388858a_47b_33 (bundled with Jenkins 2.555.3). Upstream implements VirtualChannel, IChannel and Closeable, left out.
package hudson.remoting;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;

public class Channel {
    @Deprecated
    public Channel(String name, ExecutorService exec, InputStream is, OutputStream os) throws IOException {
        throw new UnsupportedOperationException("facade");
    }

    public abstract static class Listener {
        public void onClosed(Channel channel, IOException cause) {
            throw new UnsupportedOperationException("facade");
        }
    }
}
