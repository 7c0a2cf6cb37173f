// Facade (compile only) of org.kohsuke.stapler.DataBoundConstructor, org.kohsuke.stapler:stapler 2076.v1b_a_c12445eb_e (Jenkins 2.555.3).
package org.kohsuke.stapler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.CONSTRUCTOR)
@Documented
public @interface DataBoundConstructor {
}
