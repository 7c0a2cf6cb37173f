package io.jenkins.plugins.syscontainer.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** A place's runtime check, one line per check: the engine answers, the runtime is there, agents start isolated. */
@JsonPropertyOrder({"host", "ok", "checks"})
public record ProbeResult(String host, List<Check> checks) {
    public enum Status { PASS, WARN, FAIL }

    public record Check(@JsonProperty("check") String name, Status status, String detail) {
    }

    public ProbeResult {
        checks = List.copyOf(checks);
    }

    @JsonProperty("ok")
    public boolean ok() {
        return checks.stream().noneMatch(c -> c.status() == Status.FAIL);
    }

    /** Whether a check found a runtime that does not isolate (container root is host root). */
    public boolean notIsolated() {
        return checks.stream().anyMatch(c -> c.status() == Status.FAIL && c.detail().startsWith("not isolated"));
    }

    public String toJson() {
        return EngineJson.write(this);
    }
}
