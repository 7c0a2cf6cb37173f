#!/usr/bin/env bash
# Runs the benchmarks against the local Docker engine (a runtime named sysbox-runc and the images of
# .ci/build-images.sh must be there):
#   benchmarks/run.sh [--quick] [--out FILE]
# prints one JSON line per figure (end to end, then JMH) and a summary line with the ratios; --out also writes them
# to FILE for benchmarks/chart.py. --quick: fewer repetitions and a short JMH run (what CI runs).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jdk=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
quick=; out=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick ;;
    --out) out=$2; shift ;;
    *) echo "usage: benchmarks/run.sh [--quick] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
jar=engine-tools/benchmarks/target/sca-benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find src benchmarks/src -newer "$jar" -name '*.java' | head -n 1)" ]; then
  (cd engine-tools && JAVA_HOME=$jdk mvn -B -q -ntp package >&2)
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
echo "== end to end (machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(docker version -f 'Docker {{.Server.Version}}'))" >&2
"$jdk/bin/java" -jar "$jar" e2e $quick --sample benchmarks/sample | tee "$tmp"
echo "== JMH: controller-side decision per queue item" >&2
if [ -n "$quick" ]; then jmh_opts=(-wi 1 -i 2 -w 1s -r 1s -f 1); else jmh_opts=(-wi 3 -i 5 -w 2s -r 2s -f 1); fi
"$jdk/bin/java" -jar "$jar" jmh DecisionBenchmark "${jmh_opts[@]}" -rf json -rff "$tmp.jmh" >&2
jq -c '.[] | {figure: ("jmh_" + (.benchmark | split(".") | last)), unit: .primaryMetric.scoreUnit,
             mean: .primaryMetric.score, p50: .primaryMetric.scorePercentiles["50.0"],
             p99: .primaryMetric.scorePercentiles["99.0"], p999: .primaryMetric.scorePercentiles["99.9"]}' "$tmp.jmh" | tee -a "$tmp"
rm -f "$tmp.jmh"
if [ -n "$out" ]; then cp "$tmp" "$out"; fi
