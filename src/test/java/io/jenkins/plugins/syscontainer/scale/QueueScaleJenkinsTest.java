package io.jenkins.plugins.syscontainer.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.ItemGroup;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.model.queue.CauseOfBlockage;
import hudson.model.queue.QueueTaskDispatcher;
import hudson.security.ACL;
import hudson.security.AccessControlled;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.testsupport.InMemoryBackend;
import io.jenkins.plugins.syscontainer.testsupport.InMemoryCloud;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.springframework.security.core.Authentication;

/**
 * What the plugin costs on Jenkins' hot paths, in a real Jenkins: 100 and 1,000 queued builds (and 5,000 with
 * {@code -Dscale.big=true}; sizes as {@code -Dscale.sizes=100,1000,5000}) with labels
 * served by 20 templates of two clouds whose hosts are all down (this measures the controller, not Docker; the builds
 * stay queued, told why they wait). Every template names registry credentials, from a credentials provider that
 * counts its look-ups, and every backend call is watched: none may happen on a thread that holds the queue lock, and
 * no credentials look-up may happen during a queue pass. Prints, per size, the median time of {@code Queue.maintain()}
 * with our clouds, with none, and with none but a dispatcher that blocks every build and does nothing else (Jenkins'
 * own cost of a queue of blocked builds, which ours are), side by side; their ratios; and the time of one
 * provisioning decision.
 * The figures go to docs/performance.md; the test asserts the rules, not the timings.
 */
@WithJenkins
class QueueScaleJenkinsTest {
    static final AtomicInteger LOOKUPS = new AtomicInteger();
    static final List<String> UNDER_LOCK = new CopyOnWriteArrayList<>();
    @TempDir
    Path fs;

    /** Every credentials look-up is counted; one made while the queue lock is held is a violation. */
    @TestExtension
    public static final class CountingCredentials extends CredentialsProvider {
        @NonNull
        @Override
        public <C extends Credentials> List<C> getCredentialsInItemGroup(@NonNull Class<C> type, ItemGroup itemGroup,
                Authentication authentication, @NonNull List<DomainRequirement> requirements) {
            LOOKUPS.incrementAndGet();
            if (queueLockHeld()) {
                UNDER_LOCK.add("credentials look-up of " + type.getSimpleName());
            }
            UsernamePasswordCredentialsImpl c;
            try {
                c = new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "counted", "", "user", "password");
            } catch (hudson.model.Descriptor.FormException e) {
                throw new IllegalStateException(e);
            }
            return type.isInstance(c) ? List.of(type.cast(c)) : List.of();
        }
    }

    static boolean queueLockHeld() {
        try {
            Field f = Queue.class.getDeclaredField("lock");
            f.setAccessible(true);
            return ((ReentrantLock) f.get(jenkins.model.Jenkins.get().getQueue())).isHeldByCurrentThread();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot see the queue's lock", e);
        }
    }

    /** Calls that may talk to a platform; memory-only answers (free slots, hosts, caches) are allowed anywhere. */
    static final Set<String> IO = Set.of("provision", "terminate", "recover", "recoverPending", "reattach", "endReason",
            "reap", "vanished", "discardAll", "evict", "maintainCaches", "diagnostics", "probe");

    private static AgentBackend watched(AgentBackend b) {
        return (AgentBackend) Proxy.newProxyInstance(AgentBackend.class.getClassLoader(), new Class<?>[] {AgentBackend.class},
                (proxy, m, args) -> {
                    if (IO.contains(m.getName()) && queueLockHeld()) {
                        UNDER_LOCK.add("backend call " + m.getName());
                    }
                    try {
                        return m.invoke(b, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private InMemoryCloud cloud(JenkinsRule r, String name, int first) {
        InMemoryBackend.Places places = new InMemoryBackend.Places("h1", "h2");
        places.down("h1", "connection refused");
        places.down("h2", "connection refused");
        places.decorate = QueueScaleJenkinsTest::watched;
        InMemoryCloud c = new InMemoryCloud(name, places);
        List<AgentTemplate> ts = new ArrayList<>();
        for (int i = first; i < first + 10; i++) {
            AgentTemplate t = InMemoryCloud.template("t" + i, fs);
            t.setRegistryCredentialsId("counted");
            t.setPullPolicy(AgentTemplate.PULL_ALWAYS);
            ts.add(t);
        }
        c.setTemplates(ts);
        return c;
    }

    static final int ROUNDS = 4;
    static final int PASSES = 5;

    private static List<Long> maintainNanos(Queue q, int passes) {
        List<Long> t = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            long t0 = System.nanoTime();
            q.maintain();
            t.add(System.nanoTime() - t0);
        }
        return t;
    }

    private static long median(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static boolean saysWhy(Queue q) {
        Queue.Item[] items = q.getItems();
        return items.length > 0 && (String.valueOf(items[0].getWhy()).contains("no in-memory place")
                || String.valueOf(items[0].getWhy()).contains("can take agents now"));
    }

    static int[] sizes() {
        String v = System.getProperty("scale.sizes", Boolean.getBoolean("scale.big") ? "100,1000,5000" : "100,1000");
        return java.util.Arrays.stream(v.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
    }

    /**
     * A queued build of a job that is only a queue task: the queue treats it as it treats any job's build, and 5,000
     * of them are made in milliseconds (5,000 freestyle projects take minutes to create and save).
     */
    private record QueuedBuild(String name, Label label) implements Queue.Task, AccessControlled {
        /** Everyone may see it: the queue lists only the items of tasks with an ACL that lets the caller read them. */
        @Override
        public ACL getACL() {
            return ACL.lambda2((auth, permission) -> true);
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDisplayName() {
            return name;
        }

        @Override
        public String getFullDisplayName() {
            return name;
        }

        @Override
        public String getUrl() {
            return "job/" + name + "/";
        }

        @Override
        public Label getAssignedLabel() {
            return label;
        }

        @Override
        public Queue.Executable createExecutable() {
            throw new UnsupportedOperationException("these builds stay queued");
        }

        @Override
        public boolean equals(Object o) {
            return this == o; // every queued build is its own: the queue must not merge them
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** Blocks every queued build with one shared reason and does nothing else: Jenkins' own cost of blocked builds. */
    private static final class BlocksEverything extends QueueTaskDispatcher {
        private static final CauseOfBlockage WAIT = new CauseOfBlockage() {
            @Override
            public String getShortDescription() {
                return "blocked by the test";
            }
        };

        @Override
        public CauseOfBlockage canRun(Queue.Item item) {
            return WAIT;
        }
    }

    @Test
    void aBigQueueCostsLittleAndNothingSlowRunsUnderTheQueueLock(JenkinsRule r) throws Exception {
        InMemoryCloud a = cloud(r, "scale-a", 0);
        InMemoryCloud b = cloud(r, "scale-b", 10);
        r.jenkins.setQuietPeriod(0);
        Queue q = r.jenkins.getQueue();
        List<String> lines = new ArrayList<>();
        int made = 0;
        for (int size : sizes()) {
            for (; made < size; made++) {
                q.schedule2(new QueuedBuild("job-" + made, Label.get("t" + (made % 20))), 0);
            }
            // Side by side: rounds of passes without our clouds and with them, one after the other, so that drift
            // (the JIT, the heap filling up) falls on both; the medians of all passes of each are compared.
            List<Long> noneTimes = new ArrayList<>();
            List<Long> blockedTimes = new ArrayList<>();
            List<Long> oursTimes = new ArrayList<>();
            int lookups = 0;
            for (int round = 0; round < ROUNDS; round++) {
                r.jenkins.clouds.removeAll(InMemoryCloud.class);
                q.maintain();
                noneTimes.addAll(maintainNanos(q, PASSES));
                // Jenkins' own cost of a queue of blocked builds: a dispatcher that blocks each and does nothing else
                hudson.ExtensionList<QueueTaskDispatcher> dispatchers = hudson.ExtensionList.lookup(QueueTaskDispatcher.class);
                BlocksEverything blocker = new BlocksEverything();
                dispatchers.add(blocker);
                q.maintain();
                blockedTimes.addAll(maintainNanos(q, PASSES));
                dispatchers.remove(blocker);
                r.jenkins.clouds.add(a);
                r.jenkins.clouds.add(b);
                a.engine(); // built and recovered: the engines' own start is not a queue pass
                b.engine();
                // Steady state: the queue guard keeps its answer per label for a second, so wait until the builds
                // say why they wait (the hosts' state known) before timing passes.
                long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                do {
                    q.maintain();
                    Thread.sleep(200);
                } while (System.nanoTime() < settle && !saysWhy(q));
                int lookupsBefore = LOOKUPS.get();
                oursTimes.addAll(maintainNanos(q, PASSES));
                lookups += LOOKUPS.get() - lookupsBefore;
            }
            long none = median(noneTimes);
            long blocked = median(blockedTimes);
            long ours = median(oursTimes);
            assertEquals(size, q.getItems().length, "every build is still queued");
            Queue.Item item = q.getItems()[0];
            assertTrue(String.valueOf(item.getWhy()).contains("no in-memory place") || String.valueOf(item.getWhy()).contains("can take agents now"),
                    "a queued build says why it waits: " + item.getWhy());
            long decisions = 2000;
            Cloud.CloudState state = new Cloud.CloudState(Label.get("t7"), 0);
            long t0 = System.nanoTime();
            for (int i = 0; i < decisions; i++) {
                a.provision(state, 1);
            }
            double decisionMicros = (System.nanoTime() - t0) / 1000.0 / decisions;
            String line = String.format(Locale.ROOT, "{\"figure\":\"queue_maintain\",\"queued\":%d,\"templates\":20,\"clouds\":2,"
                    + "\"maintain_none_ms\":%.2f,\"maintain_blocked_ms\":%.2f,\"maintain_ours_ms\":%.2f,\"ratio\":%.3f,"
                    + "\"ratio_to_blocked\":%.3f,\"per_item_us\":%.2f,\"credential_lookups_per_pass\":%.1f,"
                    + "\"provision_decision_us\":%.2f}",
                    size, none / 1e6, blocked / 1e6, ours / 1e6, (double) ours / none, (double) ours / blocked,
                    (ours - none) / 1000.0 / size, lookups / (double) (ROUNDS * PASSES), decisionMicros);
            System.out.println(line);
            lines.add(line);
            assertEquals(0, lookups, "credentials were looked up on a queue pass");
        }
        assertEquals(List.of(), UNDER_LOCK, "slow calls under the queue lock");
        System.out.println("queue scale figures:\n" + String.join("\n", lines));
    }
}
