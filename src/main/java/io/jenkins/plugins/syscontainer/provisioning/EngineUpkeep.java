package io.jenkins.plugins.syscontainer.provisioning;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.agent.SystemContainerComputer;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import java.util.Map;
import jenkins.util.SystemProperties;

/**
 * Every few seconds: recovers the hosts that were down when their engine recovered its state and answer now (their
 * running agents' slots and idle cache volumes are known again before anything is placed there), then asks the
 * queue to look again. Cheap when nothing is pending: the engines answer from memory.
 */
@Extension
public class EngineUpkeep extends AsyncPeriodicWork {
    static final long PERIOD_MS = SystemProperties.getLong(EngineUpkeep.class.getName() + ".periodSeconds", 20L) * 1000L;

    public EngineUpkeep() {
        super("System container engine upkeep");
    }

    @Override
    public long getRecurrencePeriod() {
        return PERIOD_MS;
    }

    @Override
    protected java.util.logging.Level getNormalLoggingLevel() {
        return java.util.logging.Level.FINE;
    }

    @Override
    protected void execute(TaskListener listener) {
        boolean recovered = false;
        for (Map.Entry<String, AgentBackend> e : CloudEngines.get().readyBackends().entrySet()) {
            try {
                if (e.getValue().recoverPending()) {
                    recovered = true;
                    reconnect(e.getKey());
                }
            } catch (RuntimeException ex) {
                listener.getLogger().println("recovering hosts of " + e.getValue().controllerId() + " failed: " + ex);
            }
        }
        if (recovered) {
            CloudEngines.reviewQueueSoon();
        }
    }

    /**
     * A host came back: its agents that are offline (their launch failed while it was down) connect now rather than
     * at their retention's next check a minute later, so Pipelines resuming on them do not give up waiting.
     */
    private static void reconnect(String cloudId) {
        for (SystemContainerAgent a : SystemContainerAgent.all(cloudId)) {
            if (a.toComputer() instanceof SystemContainerComputer c && c.isOffline() && !c.isConnecting()
                    && !c.isTerminating()) {
                c.connect(false);
            }
        }
    }
}
