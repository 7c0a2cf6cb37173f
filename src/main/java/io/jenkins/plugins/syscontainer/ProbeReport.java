package io.jenkins.plugins.syscontainer;

import hudson.util.FormValidation;
import io.jenkins.plugins.syscontainer.engine.HostProbe;

/** The host probe's checks as one form message: failures first, and a loud warning when the runtime is not Sysbox. */
final class ProbeReport {
    private ProbeReport() {
    }

    static String text(HostProbe.Report r) {
        StringBuilder sb = new StringBuilder();
        for (HostProbe.Check c : r.checks()) {
            sb.append(switch (c.status()) {
                case PASS -> "✔ ";
                case WARN -> "⚠ ";
                case FAIL -> "✘ ";
            }).append(c.name()).append(": ").append(c.detail()).append('\n');
        }
        return sb.toString().strip();
    }

    static FormValidation toFormValidation(HostProbe.Report r) {
        String text = text(r);
        if (r.ok()) {
            return FormValidation.ok(text);
        }
        boolean notSysbox = text.contains("not isolated");
        return notSysbox ? FormValidation.error(Messages.DockerHostEntry_NotIsolated() + "\n" + text)
                : FormValidation.error(text);
    }
}
