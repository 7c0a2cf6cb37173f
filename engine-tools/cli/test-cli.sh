#!/usr/bin/env bash
# Black-box tests of the command-line jar against the local Docker (real Sysbox), as a user runs it:
#  1. on a Java older than 21 it says which Java it needs (exit 2), instead of UnsupportedClassVersionError;
#  2. two `run --cache-key K` in a row: the second reuses the first one's warm cache volume;
#  3. ten concurrent runs on one key with --max-volumes 3: all succeed, the ledger keeps an entry for every cache
#     volume, and at most 3 cache volumes exist for the key.
# Each test uses a controller id and a HOME of its own, and removes what it made.
#   usage: engine-tools/cli/test-cli.sh JDK21_OR_NEWER_HOME
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$here/target/system-container-agents-cli.jar
jdk=${1:?usage: test-cli.sh JDK_HOME}
java=$jdk/bin/java
[ -f "$jar" ] || { echo "build the jar first: (cd engine-tools && mvn package)" >&2; exit 2; }
fail() { echo "FAIL: $*" >&2; exit 1; }
id=cli-test-$$-$RANDOM
home=$(mktemp -d)
cleanup() {
  docker ps -aq --filter "label=io.jenkins.syscontainer.controller=$id" | xargs -r docker rm -f >/dev/null
  docker volume ls -q --filter "label=io.jenkins.syscontainer.controller=$id" | xargs -r docker volume rm >/dev/null
  rm -rf "$home"
}
trap cleanup EXIT
run() { "$java" -Duser.home="$home" -jar "$jar" run --controller-id "$id" "$@"; }

echo "== 1. an older Java is told what it needs"
old=$(find /usr/lib/jvm -maxdepth 1 -name "java-17-openjdk-*" | head -n 1)
if [ -n "$old" ]; then
  rc=0; out=$("$old/bin/java" -jar "$jar" --help 2>&1) || rc=$?
  echo "$out"
  [ "$rc" = 2 ] || fail "exit $rc on Java 17, expected 2"
  [[ $out == *"needs Java 21 or newer"* ]] || fail "no 'needs Java 21' message on Java 17"
else
  echo "SKIPPED: no Java 17 under /usr/lib/jvm to try"
fi

echo "== 2. a second run on the same cache key starts warm"
first=$(run --cache-key warm -- true 2>"$home/err1" | tail -n 1)
second=$(run --cache-key warm -- true 2>"$home/err2" | tail -n 1)
v1=$(jq -r .volume <<<"$first"); v2=$(jq -r .volume <<<"$second")
echo "first: $v1, second: $v2"
grep -q 'VOLUME_LEASED.*(new)' "$home/err1" || fail "the first run did not create a cache volume"
grep -q 'VOLUME_LEASED.*(reused)' "$home/err2" || { cat "$home/err2"; fail "the second run did not reuse the warm volume"; }
[ "$v1" = "$v2" ] || fail "the second run leased $v2, not the first run's $v1"

echo "== 3. ten concurrent runs on one key, --max-volumes 3"
t0=$(date +%s%N)
pids=()
for i in $(seq 1 10); do
  run --cache-key shared --max-volumes 3 -- sh -c 'sleep 2; echo ok' >"$home/out$i" 2>"$home/cerr$i" &
  pids+=($!)
done
failed=0
for i in $(seq 1 10); do
  wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); echo "run $i failed:"; tail -n 5 "$home/cerr$i"; }
done
echo "10 concurrent runs in $(( ($(date +%s%N) - t0) / 1000000 )) ms, $failed failed"
[ "$failed" = 0 ] || fail "$failed of 10 concurrent runs failed"
for i in $(seq 1 10); do grep -qx ok "$home/out$i" || fail "run $i printed no 'ok'"; done
cache=$(docker volume ls -q --filter "label=io.jenkins.syscontainer.controller=$id" --filter "label=io.jenkins.syscontainer.cache-key=shared")
n=$(grep -c . <<<"$cache" || true)
echo "cache volumes for key 'shared': $n"
if [ "$n" -lt 1 ] || [ "$n" -gt 3 ]; then fail "$n cache volumes for a key with --max-volumes 3"; fi
ledger=$home/.system-container-agents/$id.ledger
for v in $cache; do grep -q "^used\.$v=" "$ledger" || { cat "$ledger"; fail "the ledger lost the entry of $v"; }; done
echo "ledger entries: $(grep -c '^used\.' "$ledger")"
echo "CLI black-box tests passed"
