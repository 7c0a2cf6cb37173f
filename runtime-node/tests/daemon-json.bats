#!/usr/bin/env bats
# The daemon.json merge and revert on real files in a temporary directory (SYSBOX_NODE_DOCKER_DAEMON_JSON,
# SYSBOX_NODE_STATE_DIR). Nothing here touches /etc/docker/daemon.json of this machine.

load helpers

setup() {
  T=$BATS_TEST_TMPDIR
  export SYSBOX_NODE_DOCKER_DAEMON_JSON=$T/etc/docker/daemon.json SYSBOX_NODE_STATE_DIR=$T/state
  DJ=$SYSBOX_NODE_DOCKER_DAEMON_JSON
  STATE=$SYSBOX_NODE_STATE_DIR
  mkdir -p "$T/etc/docker"
}

# merge ADD_NETWORK(0|1) / revert: call the tool's functions (sourced) the way install and uninstall do.
merge() { bash -c 'source "$1"; set -euo pipefail; NO_COLOR=1; merge_daemon_json "$2" 172.20.0.1/16 172.25.0.0/16; echo "changed=$DJ_CHANGED restart=$DJ_RESTART_NEEDED"' _ "$TOOL" "$1"; }
revert() { bash -c 'source "$1"; set -euo pipefail; revert_daemon_json; echo "changed=$DJ_CHANGED restart=$DJ_RESTART_NEEDED"' _ "$TOOL"; }
backups() { find "$STATE/backups" -type f 2>/dev/null | wc -l; }

@test "daemon.json: existing keys are kept, in order, with their values" {
  cat >"$DJ" <<'J'
{"log-driver": "journald", "log-opts": {"max-size": "10m"}, "runtimes": {"nvidia": {"path": "/usr/bin/nvidia-container-runtime"}}, "mtu": 1400}
J
  run merge 1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"changed=1 restart=1"* ]]
  jq -e '.["log-driver"] == "journald" and .["log-opts"]["max-size"] == "10m" and .mtu == 1400' "$DJ"
  jq -e '.runtimes.nvidia.path == "/usr/bin/nvidia-container-runtime"' "$DJ"
  jq -e '.runtimes["sysbox-runc"].path == "/usr/bin/sysbox-runc"' "$DJ"
  [ "$(jq -c 'keys_unsorted' "$DJ")" = '["log-driver","log-opts","runtimes","mtu","bip","default-address-pools"]' ]
  jq -e 'has("default-runtime") | not' "$DJ"
}

@test "daemon.json: a backup of the original is taken before the first write" {
  printf '{"debug": true}\n' >"$DJ"
  cp "$DJ" "$T/orig"
  run merge 1
  [ "$status" -eq 0 ]
  cmp "$STATE/daemon.json.orig" "$T/orig"
  [ "$(backups)" -eq 1 ]
  cmp "$(find "$STATE/backups" -type f)" "$T/orig"
}

@test "daemon.json: re-running the merge is a no-op (same bytes, same mtime, no new backup)" {
  printf '{"debug": true}\n' >"$DJ"
  merge 1
  cp -p "$DJ" "$T/after-first"
  n=$(backups)
  sleep 1
  run merge 1
  [ "$status" -eq 0 ]
  [[ $output == *"unchanged"* ]]
  [[ $output == *"changed=0 restart=0"* ]]
  cmp "$DJ" "$T/after-first"
  [ "$(stat -c %Y "$DJ")" = "$(stat -c %Y "$T/after-first")" ]
  [ "$(backups)" -eq "$n" ]
}

@test "daemon.json: malformed JSON aborts with nothing changed and no backup" {
  printf '{"debug": true,,}\n' >"$DJ"
  cp -p "$DJ" "$T/bad"
  run merge 1
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"is not a valid JSON object"* ]]
  [[ $output == *"nothing was changed"* ]]
  cmp "$DJ" "$T/bad"
  [ ! -e "$STATE" ]
}

@test "daemon.json: a JSON value that is not an object is refused" {
  printf '[1, 2]\n' >"$DJ"
  run merge 1
  [ "$status" -ne 0 ]
  [ "$(cat "$DJ")" = '[1, 2]' ]
}

@test "daemon.json: a one-line file with everything present is rewritten pretty-printed (the Sysbox installer greps indented lines)" {
  printf '{"runtimes":{"sysbox-runc":{"path":"/usr/bin/sysbox-runc"}},"bip":"10.9.0.1/16","default-address-pools":[{"base":"10.10.0.0/16","size":24}]}\n' >"$DJ"
  run merge 1
  [ "$status" -eq 0 ]
  [[ $output == *"changed=1 restart=0"* ]]
  grep -Eq '^  "bip": "10.9.0.1/16",$' "$DJ"
  grep -Eq '^  "default-address-pools": \[$' "$DJ"
  # existing bip and pools are the operator's: never replaced
  jq -e '.bip == "10.9.0.1/16" and .["default-address-pools"][0].base == "10.10.0.0/16"' "$DJ"
}

@test "daemon.json: absent file is created; --no-network-defaults adds only the runtime" {
  rm -rf "${T:?}/etc"
  run merge 0
  [ "$status" -eq 0 ]
  [[ $output == *"changed=1 restart=0"* ]]
  [ "$(jq -c . "$DJ")" = '{"runtimes":{"sysbox-runc":{"path":"/usr/bin/sysbox-runc"}}}' ]
  [ "$(stat -c %a "$DJ")" = 644 ]
  [ -e "$STATE/daemon.json.orig-absent" ]
}

@test "daemon.json: default-runtime is never set, and an existing one is left as it is" {
  printf '{"default-runtime": "runc"}\n' >"$DJ"
  merge 1
  jq -e '.["default-runtime"] == "runc"' "$DJ"
}

@test "daemon.json: a sysbox-runc entry pointing elsewhere is replaced and restored by revert" {
  printf '{"runtimes": {"sysbox-runc": {"path": "/usr/local/sbin/sysbox-runc"}}, "bip": "10.1.0.1/16", "default-address-pools": []}\n' >"$DJ"
  merge 1
  jq -e '.runtimes["sysbox-runc"].path == "/usr/bin/sysbox-runc"' "$DJ"
  run revert
  [ "$status" -eq 0 ]
  jq -e '.runtimes["sysbox-runc"].path == "/usr/local/sbin/sysbox-runc"' "$DJ"
  jq -e '.bip == "10.1.0.1/16"' "$DJ"
}

@test "daemon.json: revert removes only our keys and keeps keys added after install" {
  printf '{"log-driver": "journald", "runtimes": {"nvidia": {"path": "/usr/bin/nvidia-container-runtime"}}}\n' >"$DJ"
  merge 1
  # the operator edits the file after install
  jq '. + {"max-concurrent-downloads": 5}' "$DJ" >"$DJ.new" && mv "$DJ.new" "$DJ"
  run revert
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"changed=1 restart=1"* ]]
  [ "$(jq -c . "$DJ")" = '{"log-driver":"journald","runtimes":{"nvidia":{"path":"/usr/bin/nvidia-container-runtime"}},"max-concurrent-downloads":5}' ]
  [ ! -e "$STATE/daemon-json-changes.json" ]
}

@test "daemon.json: revert leaves a value that someone changed since install, and says so" {
  printf '{}\n' >"$DJ"
  merge 1
  jq '.bip = "10.50.0.1/16"' "$DJ" >"$DJ.new" && mv "$DJ.new" "$DJ"
  run revert
  [ "$status" -eq 0 ]
  [[ $output == *"left bip in place"* ]]
  jq -e '.bip == "10.50.0.1/16" and (has("default-address-pools") | not) and (has("runtimes") | not)' "$DJ"
}

@test "daemon.json: revert of a file that did not exist before install removes it (with a backup)" {
  rm -f "$DJ"
  merge 1
  [ -e "$DJ" ]
  run revert
  [ "$status" -eq 0 ]
  [ ! -e "$DJ" ]
  [ "$(backups)" -ge 1 ]
}

@test "daemon.json: revert after the package purge already dropped the runtime removes bip, pools and the empty runtimes" {
  printf '{"log-level": "warn"}\n' >"$DJ"
  merge 1
  # what apt-get purge sysbox-ce does to the file: the sysbox-runc entry goes, the rest stays (reformatted)
  jq -c 'del(.runtimes["sysbox-runc"])' "$DJ" >"$DJ.new" && mv "$DJ.new" "$DJ"
  run revert
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq -c . "$DJ")" = '{"log-level":"warn"}' ]
}

@test "daemon.json: revert is a no-op when nothing was recorded" {
  printf '{"runtimes": {"sysbox-runc": {"path": "/usr/bin/sysbox-runc"}}}\n' >"$DJ"
  cp -p "$DJ" "$T/before"
  run revert
  [ "$status" -eq 0 ]
  [[ $output == *"no daemon.json changes recorded"* ]]
  cmp "$DJ" "$T/before"
}

@test "daemon.json: revert refuses a file that became malformed, changing nothing" {
  printf '{}\n' >"$DJ"
  merge 1
  printf '{oops\n' >"$DJ"
  run revert
  [ "$status" -ne 0 ]
  [ "$(cat "$DJ")" = '{oops' ]
  [ -e "$STATE/daemon-json-changes.json" ]
}
