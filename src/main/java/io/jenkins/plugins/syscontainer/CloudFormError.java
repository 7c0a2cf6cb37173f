package io.jenkins.plugins.syscontainer;

import hudson.model.Descriptor;
import hudson.util.FormApply;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * A cloud configuration that cannot be saved, answered on the cloud's configuration page: the form again with what
 * the administrator typed, the message above it, and the field's own check marking the field, instead of Jenkins'
 * bare error page. "Apply" keeps Jenkins' error notification, and a new cloud's first save keeps the error page (that
 * form is core's page of the cloud list, which cannot be shown again from here).
 */
final class CloudFormError extends HttpResponses.HttpResponseException {
    private static final long serialVersionUID = 1L;
    /** The request attribute config.jelly shows above the form. */
    static final String ATTRIBUTE = "io.jenkins.plugins.syscontainer.formError";
    /** The cloud as the form had it: never saved, only shown again. */
    private final transient SystemContainerCloud typed;
    private final transient Descriptor.FormException problem;

    CloudFormError(SystemContainerCloud typed, Descriptor.FormException problem) {
        super(problem.getMessage(), problem);
        this.typed = typed;
        this.problem = problem;
    }

    @Override
    public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node) throws IOException, ServletException {
        if (typed == null || problem == null || FormApply.isApply(req) || !(node instanceof SystemContainerCloud)) {
            if (problem != null) {
                problem.generateResponse(req, rsp, node);
            } else {
                rsp.sendError(400, getMessage());
            }
            return;
        }
        rsp.setStatus(400);
        req.setAttribute(ATTRIBUTE, getMessage());
        req.getView(typed, "configure.jelly").forward(req, rsp);
    }
}
