// Facade (compile only) of hudson.model.Label, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;

public abstract class Label extends Actionable implements Comparable<Label> {
    protected Label(@NonNull String name) {
        throw new UnsupportedOperationException("facade");
    }

    public abstract String getExpression();

    public static Label parseExpression(@NonNull String labelExpression) {
        throw new UnsupportedOperationException("facade");
    }
}
