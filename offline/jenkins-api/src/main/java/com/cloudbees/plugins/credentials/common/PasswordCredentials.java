// Facade (compile only) of com.cloudbees.plugins.credentials.common.PasswordCredentials, org.jenkins-ci.plugins:credentials 1506.v948b_b_b_7dec44 (checked against source d96751bc).
package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.Credentials;
import hudson.util.Secret;

public interface PasswordCredentials extends Credentials {
    Secret getPassword();
}
