#!/usr/bin/python3
"""Draws docs/images/start-times.png from the JSON lines of benchmarks/start.sh --out FILE.

Usage: benchmarks/start-chart.py RESULTS.jsonl [OUT.png]   (needs Debian's python3-matplotlib)
Left: builds one after the other; right: builds queued at once. Bars are the p50 from "Build Now" to the first line
of the build's first shell step, whiskers reach the p90; dashed lines are the bare floors measured in the same run.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SETUPS = [("standby", "standby pool"), ("warm", "no pool, warm volume"), ("cold", "no pool, new volume")]


def main():
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else "docs/images/start-times.png"
    figs = {}
    for line in open(src):
        line = line.strip()
        if line.startswith("{"):
            d = json.loads(line)
            if "figure" in d:
                figs[d["figure"]] = d
    patterns = [("sequential", "one after the other")]
    burst = sorted(k.split("_")[-1] for k in figs if k.startswith("start_standby_burst"))
    if burst:
        patterns.append((burst[0], burst[0].replace("burst", "") + " queued at once"))
    fig, axes = plt.subplots(1, len(patterns), figsize=(6 * len(patterns), 4.2), squeeze=False)
    for ax, (pattern, title) in zip(axes[0], patterns):
        names, p50, p90 = [], [], []
        for key, label in SETUPS:
            f = figs.get("start_%s_%s" % (key, pattern))
            if f:
                names.append(label)
                p50.append(f["p50_ms"] / 1000.0)
                p90.append(f["p90_ms"] / 1000.0)
        xs = range(len(names))
        ax.bar(xs, p50, color=["#2a9d8f", "#e9c46a", "#e76f51"][: len(names)])
        ax.errorbar(xs, p50, yerr=[[0] * len(p50), [b - a for a, b in zip(p50, p90)]], fmt="none", ecolor="black",
                    capsize=4)
        for x, v in zip(xs, p50):
            ax.text(x, v, "%.2f s" % v, ha="center", va="bottom", fontsize=9)
        for floor, style in (("floor_warm", "--"), ("floor_cold", ":")):
            if floor in figs:
                ax.axhline(figs[floor]["median_ms"] / 1000.0, linestyle=style, color="grey",
                           label="%s %.2f s" % (floor, figs[floor]["median_ms"] / 1000.0))
        ax.set_xticks(list(xs))
        ax.set_xticklabels(names, fontsize=9)
        ax.set_ylabel("Build Now to first sh line (s), p50 and p90")
        ax.set_title("Builds " + title)
        ax.legend(fontsize=8)
    fig.suptitle("Start of a build on a system-container agent (real Jenkins, real Sysbox, 2 cores)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print("wrote " + out)


if __name__ == "__main__":
    main()
