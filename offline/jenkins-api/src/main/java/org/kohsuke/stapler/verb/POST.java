// Facade (compile only) of org.kohsuke.stapler.verb.POST, org.kohsuke.stapler:stapler 2076.v1b_a_c12445eb_e (Jenkins 2.555.3). (the @InterceptorAnnotation meta-annotation is left out).
package org.kohsuke.stapler.verb;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface POST {
}
