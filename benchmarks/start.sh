#!/usr/bin/env bash
# The Jenkins-side start benchmark, side by side in one run: the bare floors (floor_cold, floor_warm: a system
# container until its inner Docker answers, no Jenkins), then StartBenchmark in a real Jenkins (JenkinsRule) on the
# local Docker with real Sysbox: "Build Now" to the first line of the build's first shell step, for a standby pool,
# no pool with warm volumes, no pool with new volumes; builds one after the other and builds queued at once.
# Prints one JSON line per figure and a summary line with the targets; --out also writes them to FILE (for
# benchmarks/start-chart.py). Needs what the Docker-backed tests need (.ci/run sets it up).
#   benchmarks/start.sh [--quick] [--setups LIST] [--out FILE]
#     --quick: 5 one after the other, 4 at once, 3 floor repetitions
#     --setups: some of warm,warmserial,cold,standby,jenkins (default all; the summary line needs all); jenkins: the
#       same build on plain agent JVMs, no container (Jenkins' own share)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jdk=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
seq=20; burst=10; reps=10; out=; setups=warm,warmserial,cold,standby,jenkins
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) seq=5; burst=4; reps=3 ;;
    --out) out=$2; shift ;;
    --setups) setups=$2; shift ;;
    *) echo "usage: benchmarks/start.sh [--quick] [--setups LIST] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
jar=engine-tools/benchmarks/target/sca-benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find src benchmarks/src -newer "$jar" -name '*.java' | head -n 1)" ]; then
  (cd engine-tools && JAVA_HOME=$jdk timeout 900 mvn -B -q -ntp package >&2)
fi
tmp=$(mktemp); log=$(mktemp)
trap 'rm -f "$tmp" "$log"' EXIT
echo "== floors: $reps each (machine: $(nproc) cores)" >&2
timeout --kill-after=30 600 "$jdk/bin/java" -jar "$jar" floor --reps "$reps" | tee "$tmp"
echo "== Jenkins: $seq builds one after the other and $burst at once, per set-up" >&2
limit=$((600 + seq * 4 * 25 + burst * 3 * 15))
set +e
timeout --kill-after=30 "$limit" ./mvn-here -B -ntp -Dtest=StartBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotbugs.skip -Denforcer.skip -Djenkins.test.timeout="$limit" -Dsurefire.timeout="$limit" \
  -Dstart.sequential="$seq" -Dstart.burst="$burst" -Dstart.setups="$setups" test >"$log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "start: the benchmark failed (exit $rc$([ "$rc" -eq 124 ] && echo ": it did not finish within $limit s")); its log:" >&2
  grep -E 'Tests run|FAIL|AssertionError|timed out|^start: ' "$log" | tail -n 40 >&2
  exit 1
fi
grep -a -E '^\{"figure":"start_' "$log" | tee -a "$tmp"
if [ "$setups" != warm,warmserial,cold,standby,jenkins ]; then
  if [ -n "$out" ]; then cp "$tmp" "$out"; fi
  exit 0
fi
# The targets: (a) standby p50 < 500 ms for builds slower than the pool refills; (b) warm p50 <= floor_warm + 500 ms.
jq -sc 'map({key: .figure, value: .}) | from_entries as $f |
  {summary: true,
   standby_sequential_p50_ms: $f.start_standby_sequential.p50_ms,
   standby_target_ms: 500,
   standby_build_share_p50_ms: $f.start_standby_sequential.start_to_first_line_p50_ms,
   jenkins_fresh_agent_p50_ms: $f.start_jenkins_fresh_agent_sequential.p50_ms,
   jenkins_used_agent_p50_ms: $f.start_jenkins_used_agent_sequential.p50_ms,
   warm_sequential_p50_ms: $f.start_warm_sequential.p50_ms,
   floor_warm_median_ms: $f.floor_warm.median_ms,
   warm_minus_floor_warm_ms: ($f.start_warm_sequential.p50_ms - $f.floor_warm.median_ms),
   warm_target_ms: 500,
   warm_jvm_after_ready_p50_ms: $f.start_warmserial_sequential.p50_ms,
   start_early_saves_ms: ($f.start_warmserial_sequential.p50_ms - $f.start_warm_sequential.p50_ms),
   cold_sequential_p50_ms: $f.start_cold_sequential.p50_ms,
   floor_cold_median_ms: $f.floor_cold.median_ms,
   cold_minus_floor_cold_ms: ($f.start_cold_sequential.p50_ms - $f.floor_cold.median_ms)}' "$tmp" | tee -a "$tmp"
if [ -n "$out" ]; then cp "$tmp" "$out"; fi
