#!/usr/bin/env bash
# The project's test command (README). Runs:
#  1. the real build, ./mvn-here verify: pom.xml against Jenkins 2.555.3 built from source (../shared/jenkins-repo),
#     with every test (unit, Docker-backed *DockerTest, JenkinsRule *JenkinsTest), SpotBugs, the enforcer and the
#     InjectedTest/JellyTestSuite, as ci.jenkins.io runs them;
#  2. the engine tools (engine-tools/: the command-line jar and the benchmarks jar) and the README's CLI example;
#  3. the runtime-node tests and shellcheck.
# Needs a Docker engine with the runtimes sysbox-runc (real Sysbox) and ci-standin-runc, the images of
# .ci/build-images.sh and the local registry of .ci/start-registry.sh; `.ci/run` prepares all of that on a fresh
# machine and then calls this script.
#   SCA_REQUIRE_DOCKER=1  a missing engine or images fail instead of skipping (CI sets it)
#   SCA_REQUIRE_SYSBOX=1  fail unless sysbox-runc is the real Sysbox and the isolation tests ran (CI sets it)
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
jdk=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$jdk/bin/javac" ] || { echo "JDK 25 not found at $jdk (set JAVA_HOME_25)" >&2; exit 2; }

if [ "${SCA_REQUIRE_SYSBOX:-0}" = 1 ]; then
  path=$(docker info --format '{{json .Runtimes}}' | jq -r '.["sysbox-runc"].path // ""')
  case "$path" in
    ""|*standin*) echo "FAIL: SCA_REQUIRE_SYSBOX=1 but the runtime sysbox-runc is '${path:-missing}', not real Sysbox" >&2; exit 1 ;;
  esac
  echo "sysbox-runc is $path (real Sysbox)"
fi

echo "== real build: ./mvn-here verify"
./mvn-here -B -ntp verify

# ran_in PATTERN: tests run and not skipped in the surefire reports whose file names match PATTERN
ran_in() {
  local n=0 f t s
  for f in target/surefire-reports/TEST-$1.xml; do
    [ -f "$f" ] || continue
    t=$(grep -m1 -o 'tests="[0-9]*"' "$f" | tr -dc 0-9); s=$(grep -m1 -o 'skipped="[0-9]*"' "$f" | tr -dc 0-9)
    n=$((n + t - s))
  done
  echo "$n"
}
jenkins_ran=$(ran_in '*JenkinsTest'); docker_ran=$(ran_in '*DockerTest'); isolation_ran=$(ran_in '*IsolationDockerTest')
echo "JenkinsRule tests run: $jenkins_ran; Docker-backed tests run: $docker_ran (isolation tests: $isolation_ran)"
jcasc_ran=$(ran_in '*Jcasc*JenkinsTest'); memory_ran=$(ran_in 'io.jenkins.plugins.syscontainer.inmemory.*JenkinsTest')
echo "JCasC tests run: $jcasc_ran; in-memory JenkinsRule tests run (what ci.jenkins.io runs without Docker): $memory_ran"
[ "$jenkins_ran" -gt 0 ] || { echo "FAIL: no JenkinsRule test ran" >&2; exit 1; }
[ "$jcasc_ran" -gt 0 ] || { echo "FAIL: no JCasC test ran" >&2; exit 1; }
[ "$memory_ran" -gt 0 ] || { echo "FAIL: no in-memory JenkinsRule test ran" >&2; exit 1; }
if [ "${SCA_REQUIRE_DOCKER:-0}" = 1 ] && [ "$docker_ran" -eq 0 ]; then
  echo "FAIL: SCA_REQUIRE_DOCKER=1 but no Docker-backed test ran" >&2; exit 1
fi
if [ "${SCA_REQUIRE_SYSBOX:-0}" = 1 ] && [ "$isolation_ran" -eq 0 ]; then
  echo "FAIL: SCA_REQUIRE_SYSBOX=1 but no isolation test ran" >&2; exit 1
fi

echo "== engine tools: command-line jar and benchmarks jar"
(cd engine-tools && JAVA_HOME=$jdk mvn -B -q -ntp package)

echo "== the README's command-line example, black box on the built jar"
jar=engine-tools/cli/target/system-container-agents-cli.jar
if docker image inspect sca-test/busybox:latest >/dev/null 2>&1; then
  out=$("$jdk/bin/java" -jar "$jar" run --load sca-test/busybox:latest -- \
        docker run --rm sca-test/busybox:latest echo hello from an inner container)
  echo "$out"
  echo "$out" | head -n 1 | grep -qx 'hello from an inner container' || { echo "FAIL: CLI example printed no greeting" >&2; exit 1; }
  echo "$out" | tail -n 1 | jq -e '.exit == 0 and .steps_ms.inner_docker_ready > 0' >/dev/null \
    || { echo "FAIL: CLI example's timing line is wrong" >&2; exit 1; }
  echo "== the command-line tool, black box: Java check, warm reuse across runs, concurrent runs"
  engine-tools/cli/test-cli.sh "$jdk"
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
shellcheck .ci/run .ci/*.sh .ci/sysbox-runc-standin run-tests.sh run.sh mvn-here benchmarks/run.sh benchmarks/chaos.sh \
  benchmarks/start.sh engine-tools/cli/test-cli.sh \
  runtime-node/images/agent/entrypoint.sh
echo "all tests passed"
