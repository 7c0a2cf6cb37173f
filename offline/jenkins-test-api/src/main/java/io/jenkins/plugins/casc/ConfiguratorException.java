// Facade (compile only) of io.jenkins.plugins.casc.ConfiguratorException, io.jenkins:configuration-as-code 2108.v02b_430db_0cf5.
package io.jenkins.plugins.casc;

import edu.umd.cs.findbugs.annotations.CheckForNull;

public class ConfiguratorException extends RuntimeException {
    public ConfiguratorException(@CheckForNull String message) {
        throw new UnsupportedOperationException("facade");
    }
}
