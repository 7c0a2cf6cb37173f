#!/usr/bin/env bash
# The chaos soak: for a bounded time, builds run in a loop in a real Jenkins (JenkinsRule) on the local Docker engine
# with real Sysbox, while agent containers are killed, dockerd is restarted and builds are aborted at random. Prints
# what happened and ends with one line:
#   chaos: builds N, faults N, wrong endings N, leaks N, double mounts N
# and fails unless the last four are 0. Needs what the Docker-backed tests need (.ci/run sets it up) and root (it
# restarts dockerd, as .ci/start-docker.sh started it).
#   benchmarks/chaos.sh [--quick] [--seconds N] [--seed N]     default 480 s, --quick 120 s; at most 600 s
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
seconds=480; seed=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) seconds=120 ;;
    --seconds) seconds=$2; shift ;;
    --seed) seed=$2; shift ;;
    *) echo "usage: benchmarks/chaos.sh [--quick] [--seconds N] [--seed N]" >&2; exit 2 ;;
  esac
  shift
done
[ "$seconds" -le 600 ] || { echo "chaos: at most 600 s" >&2; exit 2; }
# The whole log (Jenkins' and the plugin's included) is kept, to look into a wrong ending without rerunning its seed.
mkdir -p target
log=target/chaos-soak.log
# The soak itself, plus Jenkins' start and the settling afterwards, within a hard bound.
set +e
timeout --kill-after=30 $((seconds + 420)) ./mvn-here -B -ntp -Dtest=ChaosSoak -Dsurefire.failIfNoSpecifiedTests=false \
  -Dspotbugs.skip -Denforcer.skip -Djenkins.test.timeout=$((seconds + 400)) -Dsurefire.timeout=$((seconds + 400)) \
  -Dchaos.seconds="$seconds" ${seed:+-Dchaos.seed="$seed"} test >"$log" 2>&1
rc=$?
set -e
grep -E '^chaos: ' "$log" || true
if [ "$rc" -ne 0 ]; then
  echo "chaos: the soak failed (exit $rc); its whole log is $log; its end:" >&2
  grep -E 'Tests run|FAIL|AssertionError|chaos' "$log" | tail -n 40 >&2
  exit 1
fi
grep -qE '^chaos: builds [0-9]+, faults [0-9]+, wrong endings 0, leaks 0, double mounts 0$' "$log" \
  || { echo "chaos: no clean summary line (the whole log is $log)" >&2; exit 1; }
