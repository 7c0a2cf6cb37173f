#!/usr/bin/env bash
# Tests ./run.sh, the README's run command, end to end as a newcomer runs it: in a fresh clone of this repository
# (committed state, HEAD) with ../shared beside it, and with its own empty SCA_LOCAL_DIR (the local Jenkins repository
# unpacked afresh, Maven fetched), it starts run.sh in the background, waits for Jenkins, checks the plugins hpi:run
# loaded, triggers the sample job through the HTTP API and waits for SUCCESS, then sends SIGINT to run.sh's process
# group (what Ctrl-C in a terminal does) and checks that within 60 s run.sh exited, Jenkins' port is closed, no java
# process of that clone is left, and no container of that Jenkins is left.
#
#   usage: .ci/run-command-test.sh [--signal INT|TERM]     (TERM: sent to run.sh alone, as `kill` does)
#   SCA_SHARED_DIR     the shared folder (default ../shared beside this checkout)
#   SCA_RUN_TEST_LOCAL the SCA_LOCAL_DIR run.sh's ./mvn-here gets (default: an empty folder in the test's temp dir).
#                      Note that ./mvn-here, on unpacking the local repository afresh, drops the Jenkins artifacts from
#                      ~/.m2/repository (Maven copies them back from the new folder); on a shared machine run this
#                      test when no other Maven build runs.
# Needs what run.sh needs, plus git and curl; the Docker engine and images are used as they are when present.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
sig=INT
case "${1:-}" in
  --signal) sig=${2:-}; [ "$sig" = INT ] || [ "$sig" = TERM ] || { echo "usage: $0 [--signal INT|TERM]" >&2; exit 2; } ;;
  "") ;;
  *) echo "usage: $0 [--signal INT|TERM]" >&2; exit 2 ;;
esac
shared=${SCA_SHARED_DIR:-$top/../shared}
controller_label=io.jenkins.syscontainer.controller
job=docker-build-sample
greeting='hello from an image built in a system container'

say() { echo "run-command-test: $*"; }
fail() { echo "run-command-test: FAIL: $*" >&2; exit 1; }
for cmd in git curl jq docker; do command -v "$cmd" >/dev/null || fail "$cmd is not installed"; done
[ -d "$shared/jenkins-repo" ] || fail "no $shared/jenkins-repo (set SCA_SHARED_DIR)"

work=$(mktemp -d /tmp/sca-run-command-test.XXXXXX)
run_pid=
instance=
# java (or any) processes that belong to the clone: started in it (cwd) or naming it on their command line
clone_processes() {
  local p
  for p in /proc/[0-9]*; do
    { [[ "$(readlink "$p/cwd" 2>/dev/null)" == "$work"* ]] || tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q "$work"; } \
      && [ "${p#/proc/}" != "$$" ] && [ "${p#/proc/}" != "$BASHPID" ] && echo "${p#/proc/}"
  done
  return 0
}
java_of_clone() {
  local p
  for p in $(clone_processes); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] && echo "$p"
  done
  return 0
}
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  if [ -n "$run_pid" ] && kill -0 -- "-$run_pid" 2>/dev/null; then
    kill -TERM -- "-$run_pid" 2>/dev/null || true
    sleep 5
  fi
  for p in $(java_of_clone); do kill -KILL "$p" 2>/dev/null || true; done
  if [ -n "$run_pid" ]; then kill -KILL -- "-$run_pid" 2>/dev/null || true; fi
  if [ -n "$instance" ]; then
    docker ps -aq --filter "label=$controller_label=$instance" | xargs -r timeout 60 docker rm -f >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=$controller_label=$instance" | xargs -r timeout 60 docker volume rm >/dev/null 2>&1 || true
  fi
  if [ "$rc" != 0 ] && [ -f "$work/run.log" ]; then
    echo "run-command-test: last lines of run.sh's output:" >&2
    grep -v '^\s*at ' "$work/run.log" | tail -n 40 >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)
ln -s "$(cd "$shared" && pwd)" "$work/shared"
timeout 300 git clone -q "$top" "$work/main" || fail "git clone failed"
say "cloned $(git -C "$work/main" log --oneline -1) into $work/main (../shared -> $(readlink "$work/shared"))"
port=
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || fail "no free port found"
url=http://localhost:$port/jenkins
before=$(docker ps -aq --filter "label=$controller_label" | wc -l)

# run.sh in the background, in a process group of its own (job control on), SIGINT not ignored: as from a terminal
t_start=$(date +%s)
set -m
(cd "$work/main" && SCA_RUN_PORT=$port SCA_LOCAL_DIR=${SCA_RUN_TEST_LOCAL:-$work/local} exec ./run.sh) >"$work/run.log" 2>&1 &
run_pid=$!
set +m
say "run.sh started (pid $run_pid), Jenkins to be at $url/"

up=0
for _ in $(seq 1 360); do
  kill -0 "$run_pid" 2>/dev/null || fail "run.sh exited before Jenkins answered"
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/api/json" || true)" = 200 ]; then up=1; break; fi
  sleep 1
done
[ "$up" = 1 ] || fail "Jenkins did not answer within 6 minutes"
t_up=$(date +%s)
say "Jenkins up $((t_up - t_start)) s after run.sh started"
banner=0
for _ in $(seq 1 10); do grep -q "sample job  $url/job/$job/" "$work/run.log" && { banner=1; break; }; sleep 1; done
[ "$banner" = 1 ] || fail "run.sh did not print the sample job's URL"

# The plugins hpi:run loaded: ours, and the test-scope plugins of pom.xml this set-up needs.
plugins=$(curl -sSf --max-time 30 "$url/pluginManager/api/json?depth=1") || fail "plugin manager API did not answer"
for name in system-container-agents configuration-as-code workflow-job workflow-basic-steps pipeline-model-definition docker-workflow; do
  jq -e --arg n "$name" '.plugins[] | select(.shortName == $n and .active)' <<<"$plugins" >/dev/null \
    || fail "plugin $name is not active in hpi:run's Jenkins"
done
say "plugins active: $(jq '[.plugins[] | select(.active)] | length' <<<"$plugins"), among them system-container-agents and the test-scope configuration-as-code, workflow-job, workflow-basic-steps, pipeline-model-definition, docker-workflow"

# Unsecured Jenkins (hpi:run's default): POSTs need a crumb from the same session.
cookies=$work/cookies
crumb=$(curl -sSf --max-time 30 -c "$cookies" -b "$cookies" "$url/crumbIssuer/api/json" | jq -r '.crumbRequestField + ":" + .crumb') \
  || fail "no crumb"
post() { curl -sSf --max-time 30 -c "$cookies" -b "$cookies" -H "$crumb" -X POST "$@"; }
legacy=$(post --data-urlencode 'script=println(jenkins.model.Jenkins.get().legacyInstanceId)' "$url/scriptText" | tr -d '[:space:]')
cloud_id=$(post --data-urlencode 'script=println(jenkins.model.Jenkins.get().clouds.getByName("local")?.cloudId)' "$url/scriptText" | tr -d '[:space:]')
if [ -z "$legacy" ] || [ -z "$cloud_id" ] || [ "$cloud_id" = null ]; then fail "no cloud local (JCasC not applied?)"; fi
instance=$legacy.$cloud_id

t_build=$(date +%s)
queue_url=$(post -D - -o /dev/null "$url/job/$job/build" | tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
[ -n "$queue_url" ] || fail "triggering $job gave no queue item"
number=
for _ in $(seq 1 300); do
  number=$(curl -sSf --max-time 30 "${queue_url}api/json" | jq -r '.executable.number // empty') || true
  [ -n "$number" ] && break
  sleep 1
done
[ -n "$number" ] || fail "the build did not leave the queue within 300 s"
result=
for _ in $(seq 1 300); do
  result=$(curl -sSf --max-time 30 "$url/job/$job/$number/api/json" | jq -r 'if .building then "" else (.result // "") end') || true
  [ -n "$result" ] && break
  sleep 1
done
t_built=$(date +%s)
console=$(curl -sSf --max-time 30 "$url/job/$job/$number/consoleText") || console=
[ "$result" = SUCCESS ] || { tail -n 40 <<<"$console" >&2; fail "build #$number of $job: ${result:-not finished within 300 s}"; }
grep -qx "$greeting" <<<"$console" || { tail -n 40 <<<"$console" >&2; fail "the console has no line '$greeting'"; }
say "build #$number of $job SUCCESS in $((t_built - t_build)) s (trigger to result), '$greeting' in its console"

# Its agent goes away after the build (one-shot), before we stop.
left=
for _ in $(seq 1 60); do
  left=$(docker ps -aq --filter "label=$controller_label=$instance")
  [ -z "$left" ] && break
  sleep 1
done
[ -z "$left" ] || fail "containers of this Jenkins still there 60 s after the build: $left"

javas=$(java_of_clone | wc -l)
[ "$javas" -ge 2 ] || fail "expected Maven's and Jenkins' java processes, found $javas"
if [ "$sig" = INT ]; then
  say "SIGINT to run.sh's process group (as Ctrl-C does); $javas java processes of the clone running"
  kill -INT -- "-$run_pid"
else
  say "SIGTERM to run.sh alone; $javas java processes of the clone running"
  kill -TERM "$run_pid"
fi
t_sig=$(date +%s)
stopped=0
for _ in $(seq 1 120); do
  if ! kill -0 "$run_pid" 2>/dev/null && [ -z "$(java_of_clone)" ] \
     && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then stopped=1; break; fi
  sleep 0.5
done
t_stopped=$(date +%s)
[ "$stopped" = 1 ] || fail "60 s after SIGINT: run.sh alive: $(kill -0 "$run_pid" 2>/dev/null && echo yes || echo no); java of the clone: $(java_of_clone | tr '\n' ' ')"
rc=0
wait "$run_pid" || rc=$?
run_pid=
expected=$([ "$sig" = INT ] && echo 130 || echo 143)
[ "$rc" = "$expected" ] || fail "run.sh exited with $rc, expected $expected"
grep -q 'Jenkins stopped' "$work/run.log" || fail "Jenkins did not log a clean stop ('Jenkins stopped')"
left=$(docker ps -aq --filter "label=$controller_label=$instance")
[ -z "$left" ] || fail "containers of this Jenkins left: $left"
after=$(docker ps -aq --filter "label=$controller_label" | wc -l)
say "stopped $((t_stopped - t_sig)) s after SIG$sig: run.sh exited $rc, port $port closed, no java process of the clone, Jenkins logged 'Jenkins stopped'; containers of this Jenkins: 0 (all plugin containers on the engine: $before before, $after after)"
grep -E '^(run\.sh|mvn-here):' "$work/run.log" | sed 's/^/  | /'
say "timings: run.sh start to Jenkins up $((t_up - t_start)) s; sample build $((t_built - t_build)) s; stop $((t_stopped - t_sig)) s; whole test $(( $(date +%s) - t0 )) s"
