package io.jenkins.plugins.syscontainer.engine.k8s.sim;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A scheduler and kubelets for the mock API server, in the test code: it plays what a cluster's control plane and
 * nodes do to a pod, with delays taken from our measured Sysbox start times, through the API only (a client of its
 * own, a watch on the namespace's pods, status writes like a kubelet's):
 * <ul>
 *   <li>a pod of the Sysbox runtime class is bound to a simulated node with room (the RuntimeClass's node selector);
 *   a pod of another runtime class, or one no node has room for, is marked Unschedulable and waits;</li>
 *   <li>its container starts (Running), and after the inner Docker's start time its startup probe passes: Ready;</li>
 *   <li>it can fail a pod: the container exits before it is ready, or its image cannot be pulled;</li>
 *   <li>graceful deletion as the API server and kubelet do it: a delete marks the pod (deletionTimestamp, see
 *   {@link MockCluster}), the kubelet stops the container (its status says terminated), then removes the pod with a
 *   grace period of 0. {@link #forceDelete} removes a pod at once, its container still running, as
 *   {@code kubectl delete --force --grace-period=0} or a lost node does.</li>
 * </ul>
 * No container runs: nothing here says anything about Sysbox, containerd or a real kubelet's timing.
 */
public final class FakeKubelet implements AutoCloseable {
    public static final String RUNTIME_CLASS = "sysbox-runc";

    /** How the simulated cluster behaves; times are scaled by {@code timeScale}. */
    public static final class Options {
        public int nodes = 4;
        public int podsPerNode = 8;
        public Duration schedule = Duration.ofMillis(20);
        public Duration containerStart = Duration.ofMillis(300);
        /** Container started to startup probe passed: measured 1983 ms (new volume) and 2145 ms (warm volume). */
        public Duration innerDockerCold = Duration.ofMillis(1983);
        public Duration innerDockerWarm = Duration.ofMillis(2145);
        /** SIGTERM to container gone: measured teardown 1.41 s. */
        public Duration stop = Duration.ofMillis(1410);
        public double jitter = 0.15;
        /** The share of pods whose container exits before their inner Docker answers. */
        public double failRate;
        public double timeScale = 1.0;
        public long seed = 1;
        public int threads = 8;

        public Options scaled(double s) {
            timeScale = s;
            return this;
        }
    }

    /** Faults for the next pods. */
    public enum Fault { CONTAINER_EXITS, IMAGE_PULL_FAILS, NEVER_READY }

    private final KubernetesClient client;
    private final String namespace;
    private final Options o;
    private final Random random;
    private final ScheduledExecutorService timer;
    private final SharedIndexInformer<Pod> informer;
    /** Pods per simulated node. */
    private final Map<String, Set<String>> nodes = new HashMap<>();
    private final Set<String> handled = ConcurrentHashMap.newKeySet();
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();
    private final List<String> waiting = new ArrayList<>();
    private final List<Fault> nextFaults = new ArrayList<>();
    public final AtomicInteger ready = new AtomicInteger();
    public final AtomicInteger failed = new AtomicInteger();
    public final AtomicInteger stopped = new AtomicInteger();
    public final AtomicInteger forced = new AtomicInteger();

    public FakeKubelet(KubernetesClient client, String namespace, Options o) throws Exception {
        this.client = client;
        this.namespace = namespace;
        this.o = o;
        this.random = new Random(o.seed);
        for (int i = 0; i < o.nodes; i++) {
            nodes.put(String.format("sim-node-%03d", i), ConcurrentHashMap.newKeySet());
        }
        this.timer = Executors.newScheduledThreadPool(o.threads, r -> {
            Thread t = new Thread(r, "fake-kubelet");
            t.setDaemon(true);
            return t;
        });
        informer = client.pods().inNamespace(namespace).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod p) {
                seen(p);
            }

            @Override
            public void onUpdate(Pod old, Pod p) {
                seen(p);
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                gone(p);
            }
        });
        informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The next pods (one per fault, in order) fail as given. */
    public synchronized void failNext(Fault... faults) {
        nextFaults.addAll(List.of(faults));
    }

    private synchronized Fault takeFault() {
        if (!nextFaults.isEmpty()) {
            return nextFaults.remove(0);
        }
        return o.failRate > 0 && random.nextDouble() < o.failRate ? Fault.CONTAINER_EXITS : null;
    }

    private Duration jittered(Duration d) {
        double f;
        synchronized (random) {
            f = 1 + (random.nextDouble() * 2 - 1) * o.jitter;
        }
        return Duration.ofNanos((long) (d.toNanos() * f * o.timeScale));
    }

    private void later(Duration d, Runnable r) {
        timer.schedule(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                // the pod went meanwhile (deleted, forced): nothing to do
            }
        }, Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void seen(Pod p) {
        String name = p.getMetadata().getName();
        if (p.getMetadata().getDeletionTimestamp() != null) {
            if (stopping.add(name)) {
                later(jittered(o.stop), () -> stop(name));
            }
            return;
        }
        if (handled.add(name)) {
            later(jittered(o.schedule), () -> schedule(name));
        }
    }

    private synchronized void gone(Pod p) {
        String name = p.getMetadata().getName();
        handled.remove(name);
        stopping.remove(name);
        waiting.remove(name);
        nodes.values().forEach(s -> s.remove(name));
        if (!waiting.isEmpty()) {
            String next = waiting.remove(0);
            later(jittered(o.schedule), () -> schedule(next));
        }
    }

    private void schedule(String name) {
        Pod p = client.pods().inNamespace(namespace).withName(name).get();
        if (p == null || p.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String node = null;
        if (RUNTIME_CLASS.equals(p.getSpec().getRuntimeClassName())) {
            synchronized (this) {
                for (Map.Entry<String, Set<String>> n : nodes.entrySet()) {
                    if (n.getValue().size() < o.podsPerNode) {
                        n.getValue().add(name);
                        node = n.getKey();
                        break;
                    }
                }
                if (node == null) {
                    waiting.add(name);
                }
            }
        }
        if (node == null) {
            String why = RUNTIME_CLASS.equals(p.getSpec().getRuntimeClassName()) ? "0/" + o.nodes + " nodes are"
                    + " available: " + o.nodes + " Too many pods." : "0/" + o.nodes + " nodes are available: "
                    + o.nodes + " node(s) didn't match Pod's node affinity/selector.";
            update(name, b -> b.editOrNewStatus().withPhase("Pending").withConditions(cond("PodScheduled", "False",
                    "Unschedulable", why)).endStatus());
            return;
        }
        String chosen = node;
        update(name, b -> b.editSpec().withNodeName(chosen).endSpec().editOrNewStatus().withPhase("Pending")
                .withConditions(cond("PodScheduled", "True", null, null)).endStatus());
        Fault fault = takeFault();
        if (fault == Fault.IMAGE_PULL_FAILS) {
            later(jittered(o.containerStart), () -> update(name, b -> b.editStatus().withContainerStatuses(
                    waitingStatus(p, "ErrImagePull", "pull access denied")).endStatus()));
            return;
        }
        later(jittered(o.containerStart), () -> {
            update(name, b -> b.editStatus().withPhase("Running").withStartTime(Instant.now().toString())
                    .withContainerStatuses(running(p, false)).withConditions(cond("PodScheduled", "True", null, null),
                            cond("Ready", "False", "ContainersNotReady", null)).endStatus());
            boolean warm = p.getSpec().getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null);
            Duration docker = jittered(warm ? o.innerDockerWarm : o.innerDockerCold);
            if (fault == Fault.CONTAINER_EXITS) {
                later(docker.dividedBy(2), () -> {
                    update(name, b -> b.editStatus().withPhase("Failed").withContainerStatuses(terminated(p, 1,
                            "Error")).withConditions(cond("Ready", "False", "PodFailed", null)).endStatus());
                    failed.incrementAndGet();
                });
            } else if (fault != Fault.NEVER_READY) {
                later(docker, () -> {
                    update(name, b -> b.editStatus().withContainerStatuses(running(p, true))
                            .withConditions(cond("PodScheduled", "True", null, null), cond("Ready", "True", null, null))
                            .endStatus());
                    ready.incrementAndGet();
                });
            }
        });
    }

    /** The kubelet stops the container of a pod being deleted, then removes the pod (grace period 0). */
    private void stop(String name) {
        Pod p = client.pods().inNamespace(namespace).withName(name).get();
        if (p == null) {
            return;
        }
        if (p.getSpec().getNodeName() != null) {
            update(name, b -> b.editOrNewStatus().withPhase("Succeeded").withContainerStatuses(terminated(p, 0,
                    "Completed")).withConditions(cond("Ready", "False", "PodCompleted", null)).endStatus());
        }
        client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        stopped.incrementAndGet();
    }

    /** Removes a pod at once, its container still running (a forced deletion, or its node lost). */
    public void forceDelete(String name) {
        client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        forced.incrementAndGet();
    }

    /** The pods whose container runs now (Ready or not). */
    public List<String> runningPods() {
        List<String> out = new ArrayList<>();
        for (Pod p : informer.getStore().list()) {
            if ("Running".equals(p.getStatus() == null ? null : p.getStatus().getPhase())
                    && p.getMetadata().getDeletionTimestamp() == null) {
                out.add(p.getMetadata().getName());
            }
        }
        return out;
    }

    private void update(String name, UnaryOperator<PodBuilder> change) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Pod cur = client.pods().inNamespace(namespace).withName(name).get();
            if (cur == null || cur.getMetadata().getDeletionTimestamp() != null && cur.getSpec().getNodeName() == null) {
                return;
            }
            try {
                client.pods().inNamespace(namespace).resource(change.apply(new PodBuilder(cur)).build()).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return;
                }
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    private static PodCondition cond(String type, String status, String reason, String message) {
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(Instant.now().toString()).build();
    }

    private static ContainerStatus running(Pod p, boolean ready) {
        return new ContainerStatusBuilder().withName(p.getSpec().getContainers().get(0).getName())
                .withImage(p.getSpec().getContainers().get(0).getImage()).withReady(ready).withStarted(true)
                .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build();
    }

    private static ContainerStatus terminated(Pod p, int code, String reason) {
        return new ContainerStatusBuilder().withName(p.getSpec().getContainers().get(0).getName())
                .withImage(p.getSpec().getContainers().get(0).getImage()).withReady(false).withStarted(false)
                .withNewState().withNewTerminated().withExitCode(code).withReason(reason)
                .withFinishedAt(Instant.now().toString()).endTerminated().endState().build();
    }

    private static ContainerStatus waitingStatus(Pod p, String reason, String message) {
        return new ContainerStatusBuilder().withName(p.getSpec().getContainers().get(0).getName())
                .withImage(p.getSpec().getContainers().get(0).getImage()).withReady(false).withStarted(false)
                .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState().build();
    }

    @Override
    public void close() {
        informer.stop();
        timer.shutdownNow();
    }
}
