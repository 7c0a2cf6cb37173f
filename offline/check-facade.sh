#!/usr/bin/env bash
# Compares the Jenkins API facade (offline/jenkins-api) with the upstream sources, member by member, using the shared
# checker (../shared/tools/facade-check). Upstream repositories are read as bare git mirrors from ../.mirror; core is
# read at the jenkins-2.555.3 tag when the mirror has it. Beyond the shared checker's default list, this also passes
# jenkinsci/lib-symbol-annotation, where org.jenkinsci.Symbol lives since structs-plugin dropped its annotation module.
# The shared checker finds every facade file in the project itself (any .java outside our own package), so the test API
# facade (offline/jenkins-test-api) is checked too; its upstreams are read at the versions of the real build where the
# mirror has them: jenkins-test-harness at the plugin parent POM's version, workflow-job, workflow-api and
# configuration-as-code at the BOM's.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mirror=${MIRROR:-$top/../.mirror}
out=${TMPDIR:-/tmp}/sca-facade-upstream
checker="$top/../shared/tools/facade-check/run.sh"
roots=()
add() { # repo ref subdir...
  local repo=$1 ref=$2; shift 2
  local git="$mirror/$repo/repo"
  [ -d "$git" ] || { echo "note: $repo not mirrored (fetch github:${repo/+//})" >&2; return 0; }
  git --git-dir="$git" rev-parse -q --verify "$ref^{commit}" >/dev/null || ref=HEAD
  local dir="$out/$repo@$ref"
  if [ ! -d "$dir" ]; then mkdir -p "$dir"; git --git-dir="$git" archive "$ref" | tar -x -C "$dir"; fi
  for sub in "$@"; do [ -d "$dir/$sub" ] && roots+=("$dir/$sub"); done
}
add jenkinsci+jenkins jenkins-2.555.3 core/src/main/java websocket/spi/src/main/java
add jenkinsci+stapler HEAD core/src/main/java
add jenkinsci+lib-symbol-annotation HEAD src/main/java
for r in workflow-step-api-plugin workflow-support-plugin credentials-plugin docker-commons-plugin \
         durable-task-plugin remoting docker-java-api-plugin instance-identity-plugin; do
  add "jenkinsci+$r" HEAD src/main/java
done
add jenkinsci+structs-plugin HEAD src/main/java
add jenkinsci+jenkins-test-harness d91b8a43e019bb2cb037b273f63ffdec50a0d60c src/main/java   # 2573.vd91b_8a_43e019
add jenkinsci+workflow-job-plugin 1571.1580.v18e46842c125 src/main/java
add jenkinsci+workflow-api-plugin 2ff1a5e720fa922f5e59e1fc32c10b6dafa06aa8 src/main/java     # 1413.v2ff1a_5e720fa_
add jenkinsci+configuration-as-code-plugin 2108.v02b_430db_0cf5 plugin/src/main/java
add jenkinsci+workflow-cps-plugin HEAD plugin/src/main/java
exec "$checker" "${roots[@]}"
