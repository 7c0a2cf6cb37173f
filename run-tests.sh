#!/usr/bin/env bash
# The project's test command (README): the offline build's tests, the runtime-node tests, and a check that the
# Docker-backed tests really ran. Needs a Docker engine with a runtime named sysbox-runc, the images from
# .ci/build-images.sh and the local registry of .ci/start-registry.sh; `.ci/run` prepares all of that on a fresh machine and then calls this script.
#   SCA_REQUIRE_DOCKER=1  turn "no Docker here" skips into failures (CI sets it)
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
jdk=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$jdk/bin/javac" ] || { echo "JDK 25 not found at $jdk (set JAVA_HOME_25)" >&2; exit 2; }

echo "== offline build: compile against the Jenkins API facade (release 21), run the tests"
JAVA_HOME=$jdk mvn -B -ntp -f offline/pom.xml verify

echo "== Docker-backed tests"
reports=offline/plugin/target/surefire-reports
ran=0; skipped=0
for f in "$reports"/TEST-*DockerTest.xml; do
  [ -f "$f" ] || continue
  t=$(grep -m1 -o 'tests="[0-9]*"' "$f" | tr -dc 0-9); s=$(grep -m1 -o 'skipped="[0-9]*"' "$f" | tr -dc 0-9)
  ran=$((ran + t - s)); skipped=$((skipped + s))
done
echo "Docker-backed tests: $ran ran, $skipped skipped"
if [ "${SCA_REQUIRE_DOCKER:-0}" = 1 ] && [ "$ran" -eq 0 ]; then
  echo "FAIL: SCA_REQUIRE_DOCKER=1 but no Docker-backed test ran" >&2; exit 1
fi

echo "== the README's command-line example, black box on the built jar"
jar=offline/plugin/target/system-container-agents-cli.jar
if docker image inspect sca-test/busybox:latest >/dev/null 2>&1; then
  out=$("$jdk/bin/java" -jar "$jar" run --load sca-test/busybox:latest -- \
        docker run --rm sca-test/busybox:latest echo hello from an inner container)
  echo "$out"
  echo "$out" | head -n 1 | grep -qx 'hello from an inner container' || { echo "FAIL: CLI example printed no greeting" >&2; exit 1; }
  echo "$out" | tail -n 1 | jq -e '.exit == 0 and .steps_ms.inner_docker_ready > 0' >/dev/null \
    || { echo "FAIL: CLI example's timing line is wrong" >&2; exit 1; }
elif [ "${SCA_REQUIRE_DOCKER:-0}" = 1 ]; then
  echo "FAIL: SCA_REQUIRE_DOCKER=1 but the test images are missing" >&2; exit 1
else
  echo "SKIPPED: CLI example (no test images; run .ci/build-images.sh)"
fi

if [ -x runtime-node/tests/run.sh ]; then
  echo "== runtime-node: shellcheck and bats"
  if [ "${SCA_REQUIRE_DOCKER:-0}" = 1 ]; then runtime-node/tests/run.sh --require-docker; else runtime-node/tests/run.sh; fi
fi

echo "== shellcheck of the CI scripts and the agent image"
shellcheck .ci/run .ci/*.sh .ci/sysbox-runc-standin run-tests.sh benchmarks/run.sh runtime-node/images/agent/entrypoint.sh
echo "all tests passed"
