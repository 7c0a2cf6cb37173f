// Facade (compile only) of io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule, io.jenkins.configuration-as-code:test-harness 2108.v02b_430db_0cf5. Type only (the parameter type the JUnit 5 extension resolves).
package io.jenkins.plugins.casc.misc;

public class JenkinsConfiguredWithCodeRule extends JenkinsConfiguredRule {
}
