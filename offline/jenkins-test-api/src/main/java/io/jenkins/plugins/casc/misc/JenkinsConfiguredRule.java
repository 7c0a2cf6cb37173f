// Facade (compile only) of io.jenkins.plugins.casc.misc.JenkinsConfiguredRule, io.jenkins.configuration-as-code:test-harness 2108.v02b_430db_0cf5.
package io.jenkins.plugins.casc.misc;

import org.jvnet.hudson.test.JenkinsRule;

public class JenkinsConfiguredRule extends JenkinsRule {
    public String exportToString(boolean strict) throws Exception {
        throw new UnsupportedOperationException("facade");
    }
}
