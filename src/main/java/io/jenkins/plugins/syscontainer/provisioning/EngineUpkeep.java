package io.jenkins.plugins.syscontainer.provisioning;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
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
        for (AgentBackend b : CloudEngines.get().readyBackends()) {
            try {
                recovered |= b.recoverPending();
            } catch (RuntimeException e) {
                listener.getLogger().println("recovering hosts of " + b.controllerId() + " failed: " + e);
            }
        }
        if (recovered) {
            CloudEngines.reviewQueueSoon();
        }
    }
}
