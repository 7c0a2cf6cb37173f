// Facade (compile only) of com.cloudbees.plugins.credentials.impl.BaseStandardCredentials, org.jenkins-ci.plugins:credentials 1506.v948b_b_b_7dec44 (checked against source d96751bc, newer than tag 1502.v5c95e620ddfe).
package com.cloudbees.plugins.credentials.impl;

import com.cloudbees.plugins.credentials.BaseCredentials;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;

public abstract class BaseStandardCredentials extends BaseCredentials implements StandardCredentials {
    public BaseStandardCredentials(@CheckForNull CredentialsScope scope, @CheckForNull String id,
                                   @CheckForNull String description) {
        super(scope);
        throw new UnsupportedOperationException("facade");
    }

    @NonNull
    public String getId() {
        throw new UnsupportedOperationException("facade");
    }
}
