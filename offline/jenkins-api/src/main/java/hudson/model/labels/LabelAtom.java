// Facade (compile only) of hudson.model.labels.LabelAtom, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model.labels;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Label;

public class LabelAtom extends Label {
    public LabelAtom(@NonNull String name) {
        super(name);
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public String getExpression() {
        throw new UnsupportedOperationException("facade");
    }
}
