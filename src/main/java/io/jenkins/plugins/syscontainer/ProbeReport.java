package io.jenkins.plugins.syscontainer;

import hudson.util.FormValidation;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;

/** The host probe's checks as one form message: failures first, and a loud warning when the runtime is not Sysbox. */
public final class ProbeReport {
    private ProbeReport() {
    }

    public static String text(ProbeResult r) {
        StringBuilder sb = new StringBuilder();
        for (ProbeResult.Check c : r.checks()) {
            sb.append(switch (c.status()) {
                case PASS -> "✔ ";
                case WARN -> "⚠ ";
                case FAIL -> "✘ ";
            }).append(c.name()).append(": ").append(c.detail()).append('\n');
        }
        return sb.toString().strip();
    }

    static FormValidation toFormValidation(ProbeResult r) {
        String text = text(r);
        if (r.ok()) {
            return FormValidation.ok(text);
        }
        return r.notIsolated() ? FormValidation.error(Messages.DockerHostEntry_NotIsolated() + "\n" + text)
                : FormValidation.error(text);
    }
}
