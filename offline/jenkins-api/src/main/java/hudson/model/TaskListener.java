// Facade (compile only) of hudson.model.TaskListener, org.jenkins-ci.main:jenkins-core 2.555.3. (upstream extends org.jenkinsci.remoting.SerializableOnlyOverRemoting, left out).
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.PrintStream;

public interface TaskListener {
    @NonNull
    PrintStream getLogger();
}
