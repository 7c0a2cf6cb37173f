package io.jenkins.plugins.syscontainer.pipeline

import org.jenkinsci.plugins.workflow.cps.CpsScript

/**
 * The value of the Pipeline global variable systemContainerAgent (SystemContainerAgentVariable). Trusted code of
 * this plugin, loaded by Pipeline (the allowlist admits this file only); it calls two steps and nothing else.
 */
class SystemContainerAgentScript implements Serializable {
    private static final long serialVersionUID = 1L
    private final CpsScript script

    SystemContainerAgentScript(CpsScript script) {
        this.script = script
    }

    def call(Closure body) {
        call([:], body)
    }

    def call(Map args, Closure body) {
        script.systemContainerTemplate(args) {
            script.node(script.env.SYSTEM_CONTAINER_LABEL) {
                body()
            }
        }
    }
}
