// Facade (compile only) of io.jenkins.plugins.casc.ConfigurationAsCode, io.jenkins:configuration-as-code 2108.v02b_430db_0cf5.
package io.jenkins.plugins.casc;

import hudson.model.ManagementLink;
import java.io.OutputStream;

public class ConfigurationAsCode extends ManagementLink {
    public static ConfigurationAsCode get() {
        throw new UnsupportedOperationException("facade");
    }

    public void configure(String... configParameters) throws ConfiguratorException {
        throw new UnsupportedOperationException("facade");
    }

    public void export(OutputStream out) throws Exception {
        throw new UnsupportedOperationException("facade");
    }
}
