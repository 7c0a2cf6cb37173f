// Facade (compile only) of org.jvnet.hudson.test.MockAuthorizationStrategy, org.jenkins-ci.main:jenkins-test-harness 2573.vd91b_8a_43e019.
package org.jvnet.hudson.test;

import hudson.security.AuthorizationStrategy;
import hudson.security.Permission;
import java.util.Set;

public class MockAuthorizationStrategy extends AuthorizationStrategy {
    public MockAuthorizationStrategy() {
        throw new UnsupportedOperationException("facade");
    }

    public Grant grant(Permission... permissions) {
        throw new UnsupportedOperationException("facade");
    }

    public class Grant {
        Grant(Set<Permission> permissions) {
            throw new UnsupportedOperationException("facade");
        }

        public GrantOn everywhere() {
            throw new UnsupportedOperationException("facade");
        }

        public class GrantOn {
            GrantOn(String regexp) {
                throw new UnsupportedOperationException("facade");
            }

            public MockAuthorizationStrategy to(String... sids) {
                throw new UnsupportedOperationException("facade");
            }
        }
    }
}
