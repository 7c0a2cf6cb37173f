#!/usr/bin/env bash
# Compares the Jenkins API facade (offline/jenkins-api) with the upstream sources, member by member, using the shared
# checker (../shared/tools/facade-check). Upstream repositories are read as bare git mirrors from ../.mirror; core is
# read at the jenkins-2.555.3 tag when the mirror has it. Beyond the shared checker's default list, this also passes
# jenkinsci/lib-symbol-annotation, where org.jenkinsci.Symbol lives since structs-plugin dropped its annotation module.
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
for r in workflow-step-api-plugin workflow-api-plugin workflow-support-plugin credentials-plugin docker-commons-plugin \
         durable-task-plugin remoting docker-java-api-plugin workflow-job-plugin instance-identity-plugin \
         jenkins-test-harness; do
  add "jenkinsci+$r" HEAD src/main/java
done
add jenkinsci+structs-plugin HEAD src/main/java
add jenkinsci+configuration-as-code-plugin HEAD plugin/src/main/java
add jenkinsci+workflow-cps-plugin HEAD plugin/src/main/java
exec "$checker" "${roots[@]}"
