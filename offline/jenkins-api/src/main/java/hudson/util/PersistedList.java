// Facade (compile only) of hudson.util.PersistedList, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.util;

import java.util.AbstractList;
import java.util.List;

public class PersistedList<T> extends AbstractList<T> {
    protected PersistedList() {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public T get(int index) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public boolean add(T item) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("facade");
    }

    public <U extends T> List<U> getAll(Class<U> type) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("facade");
    }
}
