// Facade (compile only) of hudson.security.AccessControlled, org.jenkins-ci.main:jenkins-core 2.555.3. The abstract getACL() and the unchecked "throws org.springframework.security.access.AccessDeniedException" clause are left out.
package hudson.security;

import edu.umd.cs.findbugs.annotations.NonNull;

public interface AccessControlled {
    default void checkPermission(@NonNull Permission permission) {
        throw new UnsupportedOperationException("facade");
    }

    default boolean hasPermission(@NonNull Permission permission) {
        throw new UnsupportedOperationException("facade");
    }
}
