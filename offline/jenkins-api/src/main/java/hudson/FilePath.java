// Facade (compile only) of hudson.FilePath, org.jenkins-ci.main:jenkins-core 2.555.3. (implements org.jenkinsci.remoting.SerializableOnlyOverRemoting upstream, left out).
package hudson;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.File;

public final class FilePath {
    public FilePath(@NonNull File localPath) {
        throw new UnsupportedOperationException("facade");
    }

    public String getRemote() {
        throw new UnsupportedOperationException("facade");
    }

    public @NonNull FilePath child(String relOrAbsolute) {
        throw new UnsupportedOperationException("facade");
    }
}
