// Facade (compile only) of com.cloudbees.plugins.credentials.common.StandardUsernameCredentials, org.jenkins-ci.plugins:credentials 1506.v948b_b_b_7dec44 (checked against source d96751bc).
package com.cloudbees.plugins.credentials.common;

public interface StandardUsernameCredentials extends StandardCredentials, UsernameCredentials {
}
