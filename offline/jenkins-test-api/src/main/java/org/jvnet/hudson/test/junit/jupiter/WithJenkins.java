// Facade (compile only) of org.jvnet.hudson.test.junit.jupiter.WithJenkins, org.jenkins-ci.main:jenkins-test-harness 2573.vd91b_8a_43e019. The @ExtendWith(JenkinsExtension.class) meta-annotation is left out (nothing runs offline).
package org.jvnet.hudson.test.junit.jupiter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WithJenkins {
}
