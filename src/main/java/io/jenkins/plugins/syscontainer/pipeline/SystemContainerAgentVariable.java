package io.jenkins.plugins.syscontainer.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import groovy.lang.Binding;
import hudson.Extension;
import org.jenkinsci.plugins.workflow.cps.GroovySourceFileAllowlist;
import org.jenkinsci.plugins.workflow.cps.CpsScript;
import org.jenkinsci.plugins.workflow.cps.GlobalVariable;

/**
 * {@code systemContainerAgent(label: 'docker', …) { sh 'docker build .' }}: the body runs on a fresh system container
 * agent. It is {@code systemContainerTemplate(args) { node(env.SYSTEM_CONTAINER_LABEL) { body() } }}, written in
 * Groovy ({@code SystemContainerAgentScript.groovy}) because only Pipeline code can call the {@code node} step, which
 * gives the body a real executor, a workspace and the usual environment.
 */
@Extension
public class SystemContainerAgentVariable extends GlobalVariable {
    static final String SCRIPT_CLASS = "io.jenkins.plugins.syscontainer.pipeline.SystemContainerAgentScript";

    @NonNull
    @Override
    public String getName() {
        return "systemContainerAgent";
    }

    @NonNull
    @Override
    public Object getValue(@NonNull CpsScript script) throws Exception {
        Binding binding = script.getBinding();
        if (binding.hasVariable(getName())) {
            return binding.getVariable(getName());
        }
        // A constructor, not a method: a CPS-transformed method called from here would throw CpsCallableInvocation.
        Object value = script.getClass().getClassLoader().loadClass(SCRIPT_CLASS).getConstructor(CpsScript.class)
                .newInstance(script);
        binding.setVariable(getName(), value);
        return value;
    }

    /** Lets Pipeline load this plugin's one Groovy source file, and no other. */
    @Extension
    public static class ScriptAllowlist extends GroovySourceFileAllowlist {
        private final String url = String.valueOf(SystemContainerAgentVariable.class.getResource("SystemContainerAgentScript.groovy"));

        @Override
        public boolean isAllowed(String groovyResourceUrl) {
            return groovyResourceUrl.equals(url);
        }
    }
}
