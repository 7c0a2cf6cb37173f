// Facade (compile only) of org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition, org.jenkins-ci.plugins.workflow:workflow-cps 4360.v2020e8819a_d6 (checked against source e007b7ff = 4350.vcc65d4958821+6).
package org.jenkinsci.plugins.workflow.cps;

import hudson.model.Descriptor;
import org.jenkinsci.plugins.workflow.flow.FlowDefinition;

public class CpsFlowDefinition extends FlowDefinition {
    public CpsFlowDefinition(String script, boolean sandbox) throws Descriptor.FormException {
        throw new UnsupportedOperationException("facade");
    }
}
