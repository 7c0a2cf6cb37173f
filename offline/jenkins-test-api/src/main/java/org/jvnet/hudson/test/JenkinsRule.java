// Facade (compile only) of org.jvnet.hudson.test.JenkinsRule, org.jenkins-ci.main:jenkins-test-harness 2573.vd91b_8a_43e019 (the plugin parent POM 6.2211.v27f680c93c53's version). The JUnit 4 TestRule/MethodRule and RootAction interfaces are left out.
package org.jvnet.hudson.test;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Job;
import hudson.model.Queue;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TopLevelItem;
import hudson.security.AbstractPasswordBasedSecurityRealm;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import jenkins.model.Jenkins;
import jenkins.model.ParameterizedJobMixIn;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.xml.sax.SAXException;

public class JenkinsRule {
    public Jenkins jenkins;

    public <T extends TopLevelItem> T createProject(Class<T> type, String name) throws IOException {
        throw new UnsupportedOperationException("facade");
    }

    public DummySecurityRealm createDummySecurityRealm() {
        throw new UnsupportedOperationException("facade");
    }

    public static class DummySecurityRealm extends AbstractPasswordBasedSecurityRealm {
        DummySecurityRealm() {
            throw new UnsupportedOperationException("facade");
        }
    }

    @NonNull
    public <J extends Job<J, R> & ParameterizedJobMixIn.ParameterizedJob<J, R>, R extends Run<J, R> & Queue.Executable>
            R buildAndAssertSuccess(@NonNull J job) throws Exception {
        throw new UnsupportedOperationException("facade");
    }

    @NonNull
    public <J extends Job<J, R> & ParameterizedJobMixIn.ParameterizedJob<J, R>, R extends Run<J, R> & Queue.Executable>
            R buildAndAssertStatus(@NonNull Result status, @NonNull J job) throws Exception {
        throw new UnsupportedOperationException("facade");
    }

    public void assertLogContains(String substring, Run run) throws IOException {
        throw new UnsupportedOperationException("facade");
    }

    public void assertLogNotContains(String substring, Run run) throws IOException {
        throw new UnsupportedOperationException("facade");
    }

    public HtmlPage submit(HtmlForm form) throws Exception {
        throw new UnsupportedOperationException("facade");
    }

    public void assertEqualDataBoundBeans(Object lhs, Object rhs)
            throws InvocationTargetException, NoSuchMethodException, IllegalAccessException {
        throw new UnsupportedOperationException("facade");
    }

    public WebClient createWebClient() {
        throw new UnsupportedOperationException("facade");
    }

    public class WebClient extends org.htmlunit.WebClient {
        public WebClient() {
            throw new UnsupportedOperationException("facade");
        }

        public HtmlPage goTo(String relative) throws IOException, SAXException {
            throw new UnsupportedOperationException("facade");
        }
    }
}
