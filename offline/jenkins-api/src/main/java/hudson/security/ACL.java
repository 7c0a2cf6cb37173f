// Facade (compile only) of hudson.security.ACL, org.jenkins-ci.main:jenkins-core 2.555.3. Needs org.springframework.security:spring-security-core 6.5.9 on the classpath.
package hudson.security;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.User;
import org.springframework.security.core.Authentication;

public abstract class ACL {
    public static final Authentication SYSTEM2 = null;

    @NonNull
    public static ACLContext as(@CheckForNull User user) {
        throw new UnsupportedOperationException("facade");
    }
}
