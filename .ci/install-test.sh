#!/usr/bin/env bash
# Install test: the built plugin on a stock Jenkins, installed the way users install it.
#
# Takes target/system-container-agents.hpi and the plugins it depends on (found through the .hpi's manifest, as
# Jenkins' plugin manager resolves them), drops them as plugins/*.jpi into a fresh JENKINS_HOME with a Configuration
# as Code file, and starts the plain `java -jar jenkins.war` of the Jenkins version the plugin was built for. Then,
# only through Jenkins' HTTP interface: every installed plugin is active and none failed; the cloud `local` of the
# YAML exists; a freestyle job on label `docker` runs `docker run` inside its agent and succeeds; the agent is gone
# afterwards. Jenkins is stopped through /exit and no container of this Jenkins may be left.
#
#   usage: .ci/install-test.sh            (builds the .hpi with ./mvn-here package when it is missing)
#   SCA_HPI            the plugin file (default target/system-container-agents.hpi)
#   SCA_PLUGIN_DEPS    folder of dependency .hpi files named <short name>.hpi (default
#                      target/test-classes/test-dependencies, written by maven-hpi-plugin in every build that
#                      compiles the tests); a plugin missing there is looked up in the Maven repositories below
#   SCA_LOCAL_DIR      as for ./mvn-here (default /var/tmp/sca-local): its jenkins-m2 and ~/.m2/repository are searched
#                      for jenkins.war and for dependencies
#   JAVA_HOME_25       the JDK that runs Jenkins (default /usr/lib/jvm/temurin-25-jdk-amd64)
# Needs a Docker engine with the runtime sysbox-runc and the images system-container-agent:latest and
# sca-test/busybox:latest (.ci/start-docker.sh, .ci/build-images.sh), curl, jq, unzip.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jdk=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
hpi=${SCA_HPI:-$top/target/system-container-agents.hpi}
deps_dir=${SCA_PLUGIN_DEPS:-$top/target/test-classes/test-dependencies}
repos=("${SCA_LOCAL_DIR:-/var/tmp/sca-local}/jenkins-m2" "$HOME/.m2/repository")
controller_label=io.jenkins.syscontainer.controller
job=install-test
greeting=hello-from-installed-plugin

say() { echo "install-test: $*"; }
fail() { echo "install-test: FAIL: $*" >&2; exit 1; }
for cmd in curl jq unzip docker; do command -v "$cmd" >/dev/null || fail "$cmd is not installed"; done
[ -x "$jdk/bin/java" ] || fail "JDK 25 not found at $jdk (set JAVA_HOME_25)"
docker info --format '{{json .Runtimes}}' 2>/dev/null | jq -e 'has("sysbox-runc")' >/dev/null \
  || fail "no Docker engine with the runtime sysbox-runc answers (start one with .ci/start-docker.sh)"
for image in system-container-agent:latest sca-test/busybox:latest; do
  docker image inspect "$image" >/dev/null 2>&1 || fail "image $image is missing (run .ci/build-images.sh)"
done

if [ ! -f "$hpi" ]; then
  say "no $hpi: building it"
  (cd "$top" && timeout 1800 ./mvn-here -B -ntp -DskipTests -Dspotbugs.skip package) || fail "the plugin build failed"
fi
[ -f "$hpi" ] || fail "$hpi was not built"

# manifest FILE ATTRIBUTE: one main attribute of a plugin's manifest (continuation lines joined)
manifest() {
  unzip -p "$1" META-INF/MANIFEST.MF | tr -d '\r' | awk -v want="$2" '
    /^ / { if (cur != "") val = val substr($0, 2); next }
    { if (cur == want) { print val; found = 1; exit } cur = ""; val = "" }
    { i = index($0, ": "); if (i > 0) { cur = substr($0, 1, i - 1); val = substr($0, i + 2) } }
    END { if (!found && cur == want) print val }'
}
# required_deps FILE: "name version" of each non-optional plugin dependency
required_deps() {
  manifest "$1" Plugin-Dependencies | tr ',' '\n' | grep -v 'resolution:=optional' | awk -F: 'NF >= 2 { print $1, $2 }' || true
}
# find_repo_file NAME VERSION EXT...: the first NAME-VERSION.EXT of artifact NAME in the Maven repositories
find_repo_file() {
  local name=$1 version=$2 r f ext
  shift 2
  for r in "${repos[@]}"; do
    [ -d "$r" ] || continue
    for ext in "$@"; do
      f=$(find "$r" -path "*/$name/$version/$name-$version.$ext" -print -quit 2>/dev/null)
      [ -n "$f" ] && { echo "$f"; return 0; }
    done
  done
  return 1
}

core=$(manifest "$hpi" Jenkins-Version)
[ -n "$core" ] || fail "$hpi has no Jenkins-Version in its manifest"
war=$(find_repo_file jenkins-war "$core" war) || fail "jenkins-war $core not found in ${repos[*]}"
self=$(manifest "$hpi" Short-Name)

work=$(mktemp -d /tmp/sca-install-test.XXXXXX)
home=$work/home
mkdir -p "$home/plugins"
jenkins_pid=
instance=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$jenkins_pid" ] && kill -0 "$jenkins_pid" 2>/dev/null; then
    kill -TERM "$jenkins_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$jenkins_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$jenkins_pid" 2>/dev/null || true
  fi
  if [ -n "$instance" ]; then
    # what this Jenkins made: containers (only after a failure) and its cache volumes (kept by design for the next
    # agent; nobody will use them once this JENKINS_HOME is gone)
    docker ps -aq --filter "label=$controller_label=$instance" | xargs -r timeout 60 docker rm -f >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=$controller_label=$instance" | xargs -r timeout 60 docker volume rm >/dev/null 2>&1 || true
  fi
  if [ "$rc" != 0 ] && [ -f "$work/jenkins.log" ]; then
    echo "install-test: last lines of the Jenkins log:" >&2
    tail -n 40 "$work/jenkins.log" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The plugin and the closure of its required dependencies, plus configuration-as-code (for the YAML) and its own.
cp "$hpi" "$home/plugins/$self.jpi"
declare -A installed=([$self]=1)
queue=("$home/plugins/$self.jpi")
casc=$deps_dir/configuration-as-code.hpi
[ -f "$casc" ] || fail "configuration-as-code.hpi not in $deps_dir (is it a test dependency of the build?)"
cp "$casc" "$home/plugins/configuration-as-code.jpi"
installed[configuration-as-code]=1
queue+=("$home/plugins/configuration-as-code.jpi")
while [ ${#queue[@]} -gt 0 ]; do
  file=${queue[0]}
  queue=("${queue[@]:1}")
  while read -r name version; do
    if [ -z "$name" ] || [ -n "${installed[$name]:-}" ]; then continue; fi
    if [ -f "$deps_dir/$name.hpi" ]; then
      src=$deps_dir/$name.hpi
    else
      src=$(find_repo_file "$name" "$version" hpi jpi) || fail "plugin $name $version (needed by $(basename "$file")) not found"
    fi
    cp "$src" "$home/plugins/$name.jpi"
    installed[$name]=1
    queue+=("$home/plugins/$name.jpi")
  done < <(required_deps "$file")
done
available=$(find "$deps_dir" -maxdepth 1 -name '*.hpi' 2>/dev/null | wc -l)
say "installed ${#installed[@]} plugins ($self, configuration-as-code and what they require; $available were available)"

# A free port on 127.0.0.1: a random one that nothing answers on.
port=
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || fail "no free port found"
url=http://127.0.0.1:$port
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')

cat > "$home/casc.yaml" <<YAML
jenkins:
  systemMessage: "install test of $self"
  numExecutors: 0
  securityRealm:
    local:
      allowsSignup: false
      users:
        - id: "admin"
          password: "$password"
  authorizationStrategy:
    loggedInUsersCanDoAnything:
      allowAnonymousRead: false
  clouds:
    - systemContainer:
        name: "local"
        hosts:
          - name: "local"
            uri: "unix:///var/run/docker.sock"
        templates:
          - name: "docker"
            labelString: "docker"
            image: "system-container-agent:latest"
            pullPolicy: "never"
            memoryMb: 2048
            # the job's inner docker run needs its image inside the agent; these machines have no registry
            preloadImages: "sca-test/busybox:latest"
unclassified:
  location:
    url: "$url/"
YAML

before=$(docker ps -aq --filter "label=$controller_label" | wc -l)
say "starting Jenkins $core ($(basename "$war")) on $url, JENKINS_HOME $home"
t_start=$(date +%s)
# (hudson.model.UpdateCenter.never: these machines cannot reach the update site; the check would only log errors)
JENKINS_HOME=$home CASC_JENKINS_CONFIG=$home/casc.yaml "$jdk/bin/java" -Xmx1g -Djenkins.install.runSetupWizard=false \
  -Dhudson.model.UpdateCenter.never=true \
  -jar "$war" --httpListenAddress=127.0.0.1 --httpPort="$port" --webroot="$work/war" >"$work/jenkins.log" 2>&1 &
jenkins_pid=$!

# Jenkins answers 503 while it starts; /api/json gives 200 once it is fully up (plugins loaded, YAML applied).
up=0
for _ in $(seq 1 360); do
  kill -0 "$jenkins_pid" 2>/dev/null || fail "Jenkins exited during start"
  # a plugin that cannot load, or a boot failure (a YAML Jenkins cannot apply), never turns into a 200
  boot=$(grep -m 3 -E 'Failed Loading plugin|Failed to initialize Jenkins|BootFailure' "$work/jenkins.log" || true)
  [ -z "$boot" ] || fail "Jenkins did not start: $boot"
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u "admin:$password" "$url/api/json" || true)
  [ "$code" = 200 ] && { up=1; break; }
  sleep 0.5
done
[ "$up" = 1 ] || fail "Jenkins did not answer within 180 s (last HTTP status $code)"
t_up=$(date +%s)
say "Jenkins up in $((t_up - t_start)) s"

# An API token for admin (the way a script gets one): a crumb in a session, then the token; later calls use the token.
cookies=$work/cookies
crumb=$(curl -sSf --max-time 30 -c "$cookies" -b "$cookies" -u "admin:$password" "$url/crumbIssuer/api/json" \
  | jq -r '.crumbRequestField + ":" + .crumb') || fail "no crumb"
token=$(curl -sSf --max-time 30 -c "$cookies" -b "$cookies" -u "admin:$password" -H "$crumb" \
  --data 'newTokenName=install-test' \
  "$url/user/admin/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken" | jq -r '.data.tokenValue') \
  || fail "could not generate an API token"
if [ -z "$token" ] || [ "$token" = null ]; then fail "empty API token"; fi
api() { curl -sSf --max-time 30 -u "admin:$token" "$@"; }
groovy() { api --data-urlencode "script=$1" "$url/scriptText"; }

# Plugins: every installed one active and enabled, none failed.
plugins=$(api "$url/pluginManager/api/json?depth=1") || fail "plugin manager API did not answer"
for name in "${!installed[@]}"; do
  jq -e --arg n "$name" '.plugins[] | select(.shortName == $n and .active and .enabled)' <<<"$plugins" >/dev/null \
    || fail "plugin $name is not active: $(echo "$plugins" | jq -c --arg n "$name" '.plugins[] | select(.shortName == $n) | {active, enabled, version}')"
done
active=$(echo "$plugins" | jq '[.plugins[] | select(.active)] | length')
[ "$active" = "${#installed[@]}" ] || fail "$active plugins active, ${#installed[@]} installed"
failed=$(groovy 'println(jenkins.model.Jenkins.get().pluginManager.failedPlugins.collect { it.name + ": " + it.cause }.join("; "))') \
  || fail "script console did not answer"
[ -z "$(echo "$failed" | tr -d '[:space:]')" ] || fail "failed plugins: $failed"
say "plugins: $active active, none failed; $self $(echo "$plugins" | jq -r --arg n "$self" '.plugins[] | select(.shortName == $n) | .version')"

# The cloud of the YAML: on the clouds page, and in the Configuration as Code export.
clouds_page=$(api "$url/manage/cloud/") || fail "the clouds page did not answer"
grep -q 'cloud/local/' <<<"$clouds_page" || fail "the clouds page does not show the cloud local"
export_yaml=$(api -X POST "$url/manage/configuration-as-code/export") || fail "JCasC export failed"
grep -q 'systemContainer:' <<<"$export_yaml" || fail "JCasC export has no systemContainer cloud"
grep -q 'unix:///var/run/docker.sock' <<<"$export_yaml" || fail "JCasC export has not the Docker host"
legacy=$(groovy 'println(jenkins.model.Jenkins.get().legacyInstanceId)' | tr -d '[:space:]')
cloud_id=$(groovy 'println(jenkins.model.Jenkins.get().clouds.getByName("local").cloudId)' | tr -d '[:space:]')
if [ -z "$legacy" ] || [ -z "$cloud_id" ]; then fail "could not read the instance id and cloud id"; fi
instance=$legacy.$cloud_id
status_page=$(api "$url/cloud/local/system-containers/") || fail "the cloud's status page did not answer"
grep -q 'unix:///var/run/docker.sock' <<<"$status_page" || fail "the cloud's status page does not show its host"
say "cloud local exists (JCasC export, clouds page, status page); its Docker label $controller_label=$instance"

# A freestyle job on label docker running Docker inside its agent.
cat > "$work/job.xml" <<XML
<?xml version='1.1' encoding='UTF-8'?>
<project>
  <description>install test</description>
  <assignedNode>docker</assignedNode>
  <canRoam>false</canRoam>
  <builders>
    <hudson.tasks.Shell>
      <command>docker run --rm sca-test/busybox:latest echo $greeting</command>
    </hudson.tasks.Shell>
  </builders>
</project>
XML
api -H 'Content-Type: application/xml' --data-binary "@$work/job.xml" "$url/createItem?name=$job" >/dev/null \
  || fail "could not create the job"
queue_url=$(api -X POST -D - -o /dev/null "$url/job/$job/build" | tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
[ -n "$queue_url" ] || fail "triggering the build gave no queue item"
number=
for _ in $(seq 1 300); do
  number=$(api "${queue_url}api/json" | jq -r '.executable.number // empty') || true
  [ -n "$number" ] && break
  sleep 1
done
[ -n "$number" ] || fail "the build did not leave the queue within 300 s: $(api "${queue_url}api/json" | jq -r .why)"
result=
for _ in $(seq 1 300); do
  result=$(api "$url/job/$job/$number/api/json" | jq -r 'if .building then "" else (.result // "") end') || true
  [ -n "$result" ] && break
  sleep 1
done
t_done=$(date +%s)
console=$(api "$url/job/$job/$number/consoleText") || console=
[ "$result" = SUCCESS ] || { echo "$console" | tail -n 30 >&2; fail "build #$number: ${result:-not finished within 300 s}"; }
grep -qx "$greeting" <<<"$console" || { echo "$console" | tail -n 30 >&2; fail "the console has no line $greeting"; }
say "build #$number SUCCESS with $greeting in its console"

# No node left: the one-shot agent is removed after its build.
nodes=
for _ in $(seq 1 60); do
  nodes=$(api "$url/computer/api/json" | jq -r '[.computer[] | select(._class != "hudson.model.Hudson$MasterComputer") | .displayName] | join(" ")') || true
  [ -z "$nodes" ] && break
  sleep 1
done
[ -z "$nodes" ] || fail "agents still there 60 s after the build: $nodes"
left=
for _ in $(seq 1 60); do
  left=$(docker ps -aq --filter "label=$controller_label=$instance")
  [ -z "$left" ] && break
  sleep 1
done
[ -z "$left" ] || fail "containers of this Jenkins still there 60 s after the build: $left"

# Stop Jenkins the way an administrator would, bounded.
t_stop=$(date +%s)
api -X POST -o /dev/null "$url/exit" || true
for _ in $(seq 1 120); do kill -0 "$jenkins_pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$jenkins_pid" 2>/dev/null; then fail "Jenkins still running 60 s after POST /exit"; fi
wait "$jenkins_pid" 2>/dev/null || true
jenkins_pid=
t_stopped=$(date +%s)
left=$(docker ps -aq --filter "label=$controller_label=$instance")
[ -z "$left" ] || fail "containers of this Jenkins left after it stopped: $left"
after=$(docker ps -aq --filter "label=$controller_label" | wc -l)
volumes=$(docker volume ls -q --filter "label=$controller_label=$instance" | wc -l)
say "stopped in $((t_stopped - t_stop)) s; containers of this Jenkins: 0; all plugin containers on the engine: $before before, $after after; its cache volumes: $volumes (removed now)"
say "java -jar to build success $((t_done - t_start)) s"
