#!/usr/bin/env bash
# The scale simulation of the Kubernetes backend (docs/kubernetes.md, "Scale simulation"): the real backend against
# the fabric8 mock API server in CRUD mode, with the tests' fake kubelet as 250 simulated nodes; 1,000 agents
# requested within a minute, pods failing, forced deletions, the controller killed mid-way. No cluster, no Docker.
#   benchmarks/k8s-scale.sh [--quick] [--out FILE]
# prints one JSON line of figures and a line "double mounts: N"; exits non-zero when an agent never ran, a pod or a
# leased claim was left after a reaper pass, or a double mount was seen. --quick: 50 nodes, 200 agents within 20 s
# (what CI runs, about two minutes here).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jdk=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
quick=; out=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick ;;
    --out) out=$2; shift ;;
    *) echo "usage: benchmarks/k8s-scale.sh [--quick] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
jar=engine-tools/benchmarks/target/sca-benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find src/main/java/io/jenkins/plugins/syscontainer/engine src/test/java/io/jenkins/plugins/syscontainer/engine/k8s/sim benchmarks/src -newer "$jar" -name '*.java' | head -n 1)" ]; then
  # no lock taken here: .ci/run runs under the team's Maven lock already (callers on a shared machine take it)
  (cd engine-tools && JAVA_HOME=$jdk timeout 900 mvn -B -q -ntp package >&2)
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
echo "== Kubernetes scale simulation (machine: $(nproc) cores; mock API server and fake kubelet, no cluster)" >&2
rc=0
# A hang inside is reported by the simulation itself (agents unfinished, a dump of every thread); past this limit the
# JVM is sent SIGQUIT (its own thread dump) and killed.
limit=900; [ -n "$quick" ] && limit=240
timeout --signal=QUIT --kill-after=15 "$limit" \
  "$jdk/bin/java" -Xmx2g -cp "$jar" io.jenkins.plugins.syscontainer.bench.KubernetesScale $quick | tee "$tmp" || rc=$?
if ! grep -q '^double mounts: 0$' "$tmp"; then
  echo "FAIL: the independent watcher saw a claim mounted by two pods (or no figure was printed)" >&2
  rc=1
fi
if [ -n "$out" ]; then cp "$tmp" "$out"; fi
exit "$rc"
