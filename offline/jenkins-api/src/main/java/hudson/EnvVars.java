// Facade (compile only) of hudson.EnvVars, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson;

import java.util.TreeMap;

public class EnvVars extends TreeMap<String, String> {
    public EnvVars() {
        throw new UnsupportedOperationException("facade");
    }

    public void override(String key, String value) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public String put(String key, String value) {
        throw new UnsupportedOperationException("facade");
    }
}
