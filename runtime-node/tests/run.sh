#!/usr/bin/env bash
# Runs shellcheck on runtime-node/sysbox-node, its runtime-node/lib/*.sh and the test scripts, then the bats suite (TAP
# on stdout).
#
#   runtime-node/tests/run.sh [--require-docker] [bats options or test files...]
#
# Tests that need a Docker engine (with a sysbox-runc runtime and the agent image) skip with a reason when there is
# none; --require-docker turns those skips into failures (CI, where the engine is present).
# Exit status: 0 when shellcheck is clean and every test passed, non-zero otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

export SYSBOX_NODE_REQUIRE_DOCKER=0
args=()
for a in "$@"; do
  case $a in
    --require-docker) SYSBOX_NODE_REQUIRE_DOCKER=1 ;;
    *) args+=("$a") ;;
  esac
done

for tool in bats shellcheck jq; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed (apt-get install -y $tool)" >&2; exit 2; }
done

echo "# shellcheck $(shellcheck --version | awk '/^version:/ {print $2}')"
# -x: follow the entry point's "# shellcheck source=lib/..." directives; each lib file is also checked on its own.
shellcheck -x "$root/sysbox-node" "$root"/lib/*.sh "$here/run.sh" "$here/fakes/recorder" "$here/fakes/stat"
shellcheck -s bash "$here/helpers.bash"
shellcheck -s bats "$here"/*.bats
echo "# shellcheck: clean"

if [ ${#args[@]} -eq 0 ]; then args=("$here"); fi
echo "# bats $(bats --version | awk '{print $2}') (require docker: $SYSBOX_NODE_REQUIRE_DOCKER)"
start=$(date +%s)
rc=0
bats --tap "${args[@]}" || rc=$?
echo "# bats finished in $(($(date +%s) - start)) s, exit $rc"
exit "$rc"
