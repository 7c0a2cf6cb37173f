// Facade (compile only) of com.cloudbees.plugins.credentials.common.StandardCredentials, org.jenkins-ci.plugins:credentials 1506.v948b_b_b_7dec44 (checked against source d96751bc, newer than tag 1502.v5c95e620ddfe).
package com.cloudbees.plugins.credentials.common;

public interface StandardCredentials extends IdCredentials {
}
