// Facade (compile only) of hudson.model.BallColor, org.jenkins-ci.main:jenkins-core 2.555.3. Type only (the parameter type of Result's constructor); no constant is used.
package hudson.model;

public enum BallColor {
    ;
}
