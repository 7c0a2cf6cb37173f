// Facade (compile only) of org.kohsuke.stapler.StaplerRequest2, org.kohsuke.stapler:stapler 2076.v1b_a_c12445eb_e (Jenkins 2.555.3). Type only: upstream extends jakarta.servlet.http.HttpServletRequest, left out here.
package org.kohsuke.stapler;

public interface StaplerRequest2 {
}
