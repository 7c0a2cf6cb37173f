// Facade (compile only) of io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode, io.jenkins.configuration-as-code:test-harness 2108.v02b_430db_0cf5. The @ExtendWith(JenkinsConfiguredWithCodeExtension.class) meta-annotation is left out (nothing runs offline).
package io.jenkins.plugins.casc.misc.junit.jupiter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WithJenkinsConfiguredWithCode {
}
