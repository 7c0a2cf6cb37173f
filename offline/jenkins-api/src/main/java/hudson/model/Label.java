// Facade (compile only) of hudson.model.Label, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.labels.LabelAtom;
import java.util.Collection;
import java.util.Set;

public abstract class Label extends Actionable implements Comparable<Label> {
    protected Label(@NonNull String name) {
        throw new UnsupportedOperationException("facade");
    }

    public Set<Node> getNodes() {
        throw new UnsupportedOperationException("facade");
    }

    public Set<hudson.slaves.Cloud> getClouds() {
        throw new UnsupportedOperationException("facade");
    }

    @NonNull
    public final String getName() {
        throw new UnsupportedOperationException("facade");
    }

    public abstract String getExpression();

    public final boolean matches(final Collection<LabelAtom> labels) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public final int compareTo(Label that) {
        throw new UnsupportedOperationException("facade");
    }

    @NonNull
    public static Set<LabelAtom> parse(@CheckForNull String labels) {
        throw new UnsupportedOperationException("facade");
    }

    public static Label parseExpression(@NonNull String labelExpression) {
        throw new UnsupportedOperationException("facade");
    }
}
