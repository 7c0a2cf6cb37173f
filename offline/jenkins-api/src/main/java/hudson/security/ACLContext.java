// Facade (compile only) of hudson.security.ACLContext, org.jenkins-ci.main:jenkins-core 2.555.3. Needs org.springframework.security:spring-security-core 6.5.9 on the classpath.
package hudson.security;

import edu.umd.cs.findbugs.annotations.NonNull;
import org.springframework.security.core.context.SecurityContext;

public class ACLContext implements AutoCloseable {
    ACLContext(@NonNull SecurityContext previousContext) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("facade");
    }
}
