// Facade (compile only) of hudson.ExtensionList, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.AbstractList;
import jenkins.model.Jenkins;

public class ExtensionList<T> extends AbstractList<T> {
    protected ExtensionList(Jenkins jenkins, Class<T> extensionType) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public T get(int index) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("facade");
    }

    public static @NonNull <T> ExtensionList<T> lookup(Class<T> type) {
        throw new UnsupportedOperationException("facade");
    }

    public static @NonNull <U> U lookupSingleton(Class<U> type) {
        throw new UnsupportedOperationException("facade");
    }
}
