// Facade (compile only) of org.kohsuke.stapler.QueryParameter, org.kohsuke.stapler:stapler 2076.v1b_a_c12445eb_e (Jenkins 2.555.3). (the @InjectedParameter meta-annotation and nested HandlerImpl are left out).
package org.kohsuke.stapler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@Documented
public @interface QueryParameter {
    String value() default "";

    boolean required() default false;

    boolean fixEmpty() default false;
}
