#!/usr/bin/env bash
# The README's run command: a Jenkins with this plugin and a ready cloud on this machine's Docker engine.
#
#  1. Docker engine: one that answers and has the runtime sysbox-runc is used as it is. With none, the Debian
#     packages are installed (.ci/install-packages.sh) and dockerd is started with the real Sysbox of ../shared/sysbox
#     (.ci/start-docker.sh), as .ci/run does for the tests; that needs root. dockerd keeps running after this script.
#  2. Images: system-container-agent:latest and sca-test/busybox:latest are built when missing (.ci/build-images.sh).
#  3. Jenkins: `./mvn-here hpi:run` (plain `mvn hpi:run` where ../shared/jenkins-repo is absent; Maven builds the plugin and starts Jenkins with it and the plugins of pom.xml,
#     test-scope ones included) with JENKINS_HOME=work/ and a Configuration as Code file, work/jenkins.yaml (rewritten
#     at every start), that defines the cloud `local` on this engine with the template `docker` (label docker, offered
#     to pipelines, busybox preloaded into its Docker cache), and the sample Pipeline job docker-build-sample
#     (work/jobs/docker-build-sample, written when missing: your changes to it stay).
#
# Ctrl-C (SIGINT) or SIGTERM stops Maven and Jenkins together. Maven runs hpi:run's Jenkins as a child process that it
# never stops itself: signalling only Maven leaves that Jenkins running. So Maven runs in a process group of its own,
# and this script sends SIGTERM to the whole group (Jenkins shuts down cleanly), then SIGKILL after 30 s.
#
#   usage: ./run.sh [more Maven arguments]
#   SCA_RUN_HOST         address Jenkins listens on (default localhost)
#   SCA_RUN_PORT         its port (default 8080)
#   SCA_RUN_HOME         its JENKINS_HOME (default work/ beside this script, hpi:run's default)
#   SCA_RUN_DOCKER_URI   the Docker host of the cloud (default unix:///var/run/docker.sock)
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
host=${SCA_RUN_HOST:-localhost}
port=${SCA_RUN_PORT:-8080}
home=${SCA_RUN_HOME:-$top/work}
docker_uri=${SCA_RUN_DOCKER_URI:-unix:///var/run/docker.sock}
agent_image=system-container-agent:latest
tiny_image=sca-test/busybox:latest
job=docker-build-sample
url=http://$host:$port/jenkins
t0=$(date +%s)

say() { echo "run.sh: $*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

# 1. Docker engine with real Sysbox
engine_runtime() { docker info --format '{{json .Runtimes}}' 2>/dev/null | jq -r '.["sysbox-runc"].path // "none"'; }
if command -v docker >/dev/null && command -v jq >/dev/null && docker info >/dev/null 2>&1; then
  runtime=$(engine_runtime)
  [ "$runtime" != none ] || die "the Docker engine that answers has no runtime sysbox-runc: install Sysbox there \
(runtime-node/sysbox-node install), or stop that engine and run this script as root to start one with ../shared/sysbox"
  case "$runtime" in
    *standin*) die "sysbox-runc of this engine is the CI stand-in ($runtime), which gives no isolation; restart the \
engine with real Sysbox (.ci/start-docker.sh with ../shared/sysbox present)" ;;
  esac
  say "Docker engine with sysbox-runc ($runtime) is running"
else
  if command -v docker >/dev/null && docker info 2>&1 | grep -qi 'permission denied'; then
    die "this user cannot reach the Docker engine's socket (add it to the docker group, or run as root)"
  fi
  [ "$(id -u)" = 0 ] || die "no Docker engine answers; starting one with real Sysbox needs root (sudo ./run.sh)"
  say "no Docker engine answers: installing what is missing and starting dockerd with real Sysbox"
  .ci/install-packages.sh
  SCA_REQUIRE_SYSBOX=1 .ci/start-docker.sh
fi

# 2. Images
if ! docker image inspect "$agent_image" "$tiny_image" >/dev/null 2>&1; then
  say "building the images $agent_image and $tiny_image (a few minutes the first time)"
  .ci/install-packages.sh
  .ci/build-images.sh
fi

# 3. Jenkins home: the cloud (Configuration as Code) and the sample job
command -v mvn >/dev/null || die "Maven is missing on this machine (3.9.6 or newer; ./mvn-here needs a mvn to start from)"
command -v curl >/dev/null || die "curl is missing on this machine"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  die "port $port is in use (another Jenkins?); set SCA_RUN_PORT"
fi
mkdir -p "$home/jobs/$job"
cat > "$home/jenkins.yaml" <<YAML
# Written by run.sh at every start (Configuration as Code): edit run.sh, not this file.
jenkins:
  systemMessage: "System Container Agents: the cloud 'local' runs agents on this machine's Docker engine with Sysbox."
  # builds run on agents only
  numExecutors: 0
  clouds:
    - systemContainer:
        name: "local"
        hosts:
          - name: "local"
            uri: "$docker_uri"
        templates:
          - name: "docker"
            labelString: "docker"
            image: "$agent_image"
            pullPolicy: "never"
            memoryMb: 2048
            allowInPipelines: true
            preloadImages: "$tiny_image"
unclassified:
  location:
    url: "$url/"
YAML
if [ ! -f "$home/jobs/$job/config.xml" ]; then
  cat > "$home/jobs/$job/config.xml" <<'XML'
<?xml version='1.1' encoding='UTF-8'?>
<flow-definition plugin="workflow-job">
  <description>Sample written by run.sh: the block runs on a fresh Sysbox system container (template docker of the
cloud local) with its own Docker engine, which builds and runs an image; no --privileged, no host Docker socket.</description>
  <keepDependencies>false</keepDependencies>
  <definition class="org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition" plugin="workflow-cps">
    <script>systemContainerAgent(label: 'docker') {
  writeFile file: 'Dockerfile', text: '''FROM sca-test/busybox:latest
RUN echo 'hello from an image built in a system container' &gt; /greeting.txt
CMD ["cat", "/greeting.txt"]
'''
  sh 'docker build -t sample:${BUILD_NUMBER} .'
  sh 'docker run --rm sample:${BUILD_NUMBER}'
}</script>
    <sandbox>true</sandbox>
  </definition>
  <disabled>false</disabled>
</flow-definition>
XML
  say "sample job written: $home/jobs/$job/config.xml"
fi

# 4. Maven with hpi:run, in a process group of its own
pgid=
stop_jenkins() {
  # anything left in Maven's process group: Maven itself and the Jenkins it forked
  [ -n "$pgid" ] && kill -0 -- "-$pgid" 2>/dev/null || return 0
  say "stopping Jenkins and Maven (SIGTERM to process group $pgid)"
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 -- "-$pgid" 2>/dev/null || { say "stopped"; return 0; }
    sleep 0.5
  done
  say "still running after 30 s: SIGKILL to process group $pgid"
  kill -KILL -- "-$pgid" 2>/dev/null || true
}
trap 'stop_jenkins; exit 130' INT
trap 'stop_jenkins; exit 143' TERM
trap stop_jenkins EXIT

# ./mvn-here where the local Jenkins repository is (our machines); plain Maven elsewhere
if [ -n "${SCA_JENKINS_REPO_DIR:-}" ] || compgen -G "$top/../shared/jenkins-repo/*-from-source-m2.tar" >/dev/null; then
  maven=(./mvn-here)
else
  maven=(mvn)
fi
say "starting Jenkins through ${maven[*]} hpi:run (JENKINS_HOME $home)"
# Job control on for this one command: bash puts the job in a process group of its own whose id is its pid (set before
# the command runs, so there is no window in which the group does not exist yet). A terminal's Ctrl-C reaches only
# this script; it then stops the group.
set -m
JENKINS_HOME=$home CASC_JENKINS_CONFIG=$home/jenkins.yaml \
  "${maven[@]}" -B -ntp hpi:run -Dhost="$host" -Dport="$port" -Djenkins.install.runSetupWizard=false "$@" </dev/null &
mvn_pid=$!
set +m
pgid=$mvn_pid

announced=0
while kill -0 "$mvn_pid" 2>/dev/null; do
  if [ "$announced" = 0 ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/api/json" || true)
    if [ "$code" = 200 ]; then
      announced=1
      say "Jenkins is up after $(( $(date +%s) - t0 )) s"
      say "  open        $url/"
      say "  sample job  $url/job/$job/  (Build Now: builds and runs an image inside its agent)"
      say "  the cloud   $url/cloud/local/system-containers/"
      say "  stop with Ctrl-C (if this script is killed hard, stop Jenkins with: kill -- -$pgid)"
    fi
  fi
  sleep 1 & wait $! || true
done
rc=0
wait "$mvn_pid" || rc=$?
say "Maven exited ($rc)"
stop_jenkins
exit "$rc"
