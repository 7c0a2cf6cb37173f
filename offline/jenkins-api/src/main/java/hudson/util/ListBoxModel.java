// Facade (compile only) of hudson.util.ListBoxModel, org.jenkins-ci.main:jenkins-core 2.555.3. (implements org.kohsuke.stapler.HttpResponse upstream, left out).
package hudson.util;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.ArrayList;

public class ListBoxModel extends ArrayList<ListBoxModel.Option> {
    public static final class Option {
        @NonNull
        public String name;

        @NonNull
        public String value;

        public Option(@NonNull String name, @NonNull String value) {
            throw new UnsupportedOperationException("facade");
        }
    }

    public ListBoxModel() {
        throw new UnsupportedOperationException("facade");
    }

    public void add(@NonNull String displayName, @NonNull String value) {
        throw new UnsupportedOperationException("facade");
    }

    public ListBoxModel add(@NonNull String nameAndValue) {
        throw new UnsupportedOperationException("facade");
    }
}
