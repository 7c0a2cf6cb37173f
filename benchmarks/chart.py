#!/usr/bin/python3
"""Draws docs/images/performance.png from the JSON lines of benchmarks/run.sh --out FILE.

Usage: benchmarks/chart.py RESULTS.jsonl [OUT.png] [RUNTIME]   (needs Debian's python3-matplotlib)
RUNTIME names the runtime the results were measured under, for the title (default: real Sysbox 0.7.0).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else "docs/images/performance.png"
    figs = {}
    for line in open(src):
        line = line.strip()
        if line.startswith("{"):
            d = json.loads(line)
            if "figure" in d:
                figs[d["figure"]] = d

    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))

    # 1. Single agent until its inner Docker answers: floor versus engine, cold and warm.
    names = ["floor_cold", "engine_cold", "floor_warm", "engine_warm"]
    ax = axes[0]
    med = [figs[n]["median_ms"] / 1000 for n in names]
    p90 = [figs[n]["p90_ms"] / 1000 for n in names]
    colors = ["#9aa7b8", "#3c6fb4", "#9aa7b8", "#3c6fb4"]
    ax.bar(range(4), med, color=colors)
    ax.errorbar(range(4), med, yerr=[[0] * 4, [p - m for p, m in zip(p90, med)]], fmt="none", ecolor="black", capsize=3)
    ax.set_xticks(range(4), ["floor\ncold", "engine\ncold", "floor\nwarm", "engine\nwarm"])
    ax.set_ylabel("seconds to inner Docker ready (median, bar to p90)")
    ax.set_title("One agent")

    # 2. Concurrency: wall time for 1, 5, 10 at once.
    ax = axes[1]
    ns = [1, 5, 10]
    fl = [figs["floor_concurrency%d_per_agent" % n]["wall_ms"] / 1000 for n in ns]
    en = [figs["engine_concurrency%d_per_agent" % n]["wall_ms"] / 1000 for n in ns]
    ax.plot(ns, fl, "o-", color="#9aa7b8", label="bare floor")
    ax.plot(ns, en, "o-", color="#3c6fb4", label="engine")
    ax.set_xticks(ns)
    ax.set_xlabel("agents started at once (one host, 2 cores)")
    ax.set_ylabel("wall seconds until all ready")
    ax.set_title("Concurrency")
    ax.legend()

    # 3. Cache effect on the first inner docker build.
    ax = axes[2]
    cold = figs["first_build_cold"]["median_ms"] / 1000
    warm = figs["first_build_warm"]["median_ms"] / 1000
    ax.bar([0, 1], [cold, warm], color=["#c9812f", "#2f7d4f"])
    ax.set_xticks([0, 1], ["new cache\nvolume", "reused cache\nvolume"])
    ax.set_ylabel("seconds, first inner docker build")
    ax.set_title("Cache effect (%.0fx)" % (cold / warm))

    runtime = sys.argv[3] if len(sys.argv) > 3 else "real Sysbox 0.7.0"
    fig.suptitle("System Container Agents: benchmarks/run.sh on a 2-core machine (" + runtime + ")")
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    print("wrote", out)


if __name__ == "__main__":
    main()
