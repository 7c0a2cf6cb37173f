#!/usr/bin/env bats
# validate against the real Docker engine of this machine, and the host checks against fake hosts.
#
# Real engine: which registered runtime is the real Sysbox is asked of Docker (the binary `docker info` lists for it
# reports Sysbox CE), never assumed from a path. On the real Sysbox ($REAL_RUNTIME, default sysbox-runc) validate must
# pass: container root is an unprivileged host uid, --pid=host is refused, and a Sysbox installed without the package
# and without systemd gets warnings that say so. On the CI stand-in ($STANDIN_RUNTIME, default ci-standin-runc: plain
# runc, no user namespace, identity uid_map) it must fail with "not isolated: not Sysbox" while the checks that do hold
# (runtime registered, agent image starts with a fresh /var/lib/docker volume, inner Docker on overlay2 runs a
# container, cleanup) pass. Without an engine, or without such a runtime, these tests skip with the reason, or fail
# under --require-docker.
#
# Fake hosts (SYSBOX_NODE_ROOT, recorded fakes): the services, package, binary, daemon.json and idmap checks in the
# situations this machine cannot be put in (daemons stopped, systemd as PID 1, a binary that is not Sysbox).

load helpers

IMAGE=${SYSBOX_NODE_TEST_IMAGE:-system-container-agent:latest}
REAL_RUNTIME=${SYSBOX_NODE_TEST_RUNTIME:-sysbox-runc}
STANDIN_RUNTIME=${SYSBOX_NODE_TEST_STANDIN_RUNTIME:-ci-standin-runc}

# validate_json [RUNTIME]: one JSON validate run per runtime, shared by the tests that only read its report.
validate_json() {
  local rt=${1:-sysbox-runc}
  local f=$BATS_FILE_TMPDIR/validate-$rt
  if [ ! -e "$f.json" ]; then
    local rc=0
    "$TOOL" validate --json --image "$IMAGE" --runtime "$rt" >"$f.json" 2>"$f.err" || rc=$?
    echo "$rc" >"$f.rc"
  fi
  output=$(cat "$f.json")
  status=$(cat "$f.rc")
}

leftovers() {
  { docker ps -aq --filter label=io.jenkins.syscontainer.validate-run; docker volume ls -q --filter label=io.jenkins.syscontainer.validate-run; } | wc -l
}

# real_sysbox_or_skip: the engine, the image and a runtime $REAL_RUNTIME that Docker runs from a Sysbox CE binary.
real_sysbox_or_skip() {
  real_docker_or_skip "$IMAGE" || return 1
  local p
  p=$(registered_runtime_path "$REAL_RUNTIME")
  if [ -z "$p" ]; then require_or_skip "Docker has no runtime $REAL_RUNTIME registered"
  elif ! runtime_is_sysbox_ce "$REAL_RUNTIME"; then require_or_skip "runtime $REAL_RUNTIME ($p) is not the real Sysbox CE here"
  fi
}

# standin_or_skip: the engine, the image and a runtime $STANDIN_RUNTIME that is registered and is not Sysbox.
standin_or_skip() {
  real_docker_or_skip "$IMAGE" || return 1
  local p
  p=$(registered_runtime_path "$STANDIN_RUNTIME")
  if [ -z "$p" ]; then require_or_skip "Docker has no runtime $STANDIN_RUNTIME registered (no CI stand-in to validate against)"
  elif runtime_is_sysbox_ce "$STANDIN_RUNTIME"; then require_or_skip "runtime $STANDIN_RUNTIME ($p) is Sysbox CE, not a stand-in"
  fi
}

# fixed by this machine: what the package and init situation is, for the checks that depend on it.
no_sysbox_package() { ! dpkg-query -W -f='${db:Status-Status}' sysbox-ce 2>/dev/null | grep -qx installed; }
pid1_systemd() { [ "$(cat /proc/1/comm)" = systemd ]; }

# --- the real Sysbox ---------------------------------------------------------------------------------------------

@test "validate (real Sysbox): passes (exit 0, .ok true): isolated by a user namespace, --pid=host refused" {
  real_sysbox_or_skip
  validate_json "$REAL_RUNTIME"
  echo "$output" | jq -c '.summary, (.checks[] | select(.status != "pass") | {id, status, message})'
  [ "$status" -eq 0 ]
  jq -e '.ok == true and .exit_code == 0 and .summary.fail == 0 and .summary.pass > 10' <<<"$output"
  [ "$(json_check runtime status)" = pass ]
  [ "$(json_check isolation status)" = pass ]
  msg=$(json_check isolation message)
  [[ $msg =~ ^"user namespace: container root is host uid "([0-9]+)" (range 65536)"$ ]]
  uid=${BASH_REMATCH[1]}
  [ "$uid" -gt 0 ]
  # The same, seen directly: a container of this runtime has a uid_map that is not the identity map.
  map=$(docker run --rm --runtime "$REAL_RUNTIME" --entrypoint cat "$IMAGE" /proc/self/uid_map | tr -s ' ' | sed 's/^ //')
  echo "# uid_map under $REAL_RUNTIME: $map" >&3
  [ "$map" = "0 $uid 65536" ]
  [ "$(json_check pid-host status)" = pass ]
  [[ $(json_check pid-host message) == "--pid=host refused by the runtime"* ]]
  [ "$(json_check start status)" = pass ]
  [ "$(json_check cleanup status)" = pass ]
}

@test "validate (real Sysbox): the binary Docker registered is checked, and reports Sysbox CE" {
  real_sysbox_or_skip
  validate_json "$REAL_RUNTIME"
  p=$(registered_runtime_path "$REAL_RUNTIME")
  json_check sysbox-runc-version message
  st=$(json_check sysbox-runc-version status)
  [ "$st" = pass ] || [ "$st" = warn ]
  [[ $(json_check sysbox-runc-version message) == "$p: sysbox-runc "*", Community Edition (CE)"* ]]
  [[ $(json_check runtime message) == "runtime $REAL_RUNTIME registered with Docker (path $p)" ]]
  # daemon.json must hold the entry Docker has loaded; a path other than the package's is only a warning.
  st=$(json_check daemon-json status)
  [ "$st" = pass ] || [ "$st" = warn ]
  if [ "$p" != /usr/bin/sysbox-runc ]; then
    [ "$st" = warn ]
    [[ $(json_check daemon-json message) == *"runtimes.$REAL_RUNTIME.path '$p' agrees with Docker but is not the package's /usr/bin/sysbox-runc"* ]]
  fi
}

@test "validate (real Sysbox): without the package and without systemd, package and services warn with the reason" {
  real_sysbox_or_skip
  validate_json "$REAL_RUNTIME"
  json_check package message
  json_check services message
  if no_sysbox_package; then
    [ "$(json_check package status)" = warn ]
    [[ $(json_check package message) == "sysbox-ce package is not installed: $REAL_RUNTIME is Sysbox CE "*", installed without the package (sysbox-node upgrades and uninstall do not apply to it)" ]]
  else
    [ "$(json_check package status)" != fail ]
  fi
  if ! pid1_systemd; then
    [ "$(json_check services status)" = warn ]
    [[ $(json_check services message) == "systemd is not PID 1: sysbox-mgr (pid "*") and sysbox-fs (pid "*") run as plain processes, not supervised, so not restarted after a crash or a reboot" ]]
    [ -n "$(json_check services fix)" ]
  else
    [ "$(json_check services status)" != fail ]
  fi
  [ "$(json_check sockets status)" = pass ]
}

@test "validate (real Sysbox): without a journal, idmap is read from sysbox-mgr's log file" {
  real_sysbox_or_skip
  validate_json "$REAL_RUNTIME"
  json_check idmap message
  if ! pid1_systemd && [ -r /var/log/sysbox-mgr.log ]; then
    [[ $(json_check idmap message) == *"(/var/log/sysbox-mgr.log)"* ]]
    if grep -q 'Overlayfs on ID-mapped mounts supported by kernel: yes' /var/log/sysbox-mgr.log; then
      [ "$(json_check idmap status)" = pass ]
    fi
  else
    [ "$(json_check idmap status)" != fail ]
  fi
}

@test "validate (real Sysbox): human output ends with a passed summary" {
  real_sysbox_or_skip
  run env NO_COLOR=1 "$TOOL" validate --image "$IMAGE" --runtime "$REAL_RUNTIME"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"✔ isolation: user namespace: container root is host uid "* ]]
  [[ $output == *"✔ pid-host: --pid=host refused by the runtime"* ]]
  [[ $output != *"✘"* ]]
  [[ $output != *"failed checks:"* ]]
  last=$(printf '%s\n' "$output" | tail -n 1)
  [[ $last =~ ^"validate: "[0-9]+" passed, "[0-9]+" warnings, 0 failed"$ ]]
  [ "$(leftovers)" -eq 0 ]
}

# --- the CI stand-in ---------------------------------------------------------------------------------------------

@test "validate (CI stand-in): fails (exit 1, .ok false) with 'not isolated: not Sysbox' (identity uid_map)" {
  standin_or_skip
  validate_json "$STANDIN_RUNTIME"
  echo "$output" | jq -c '.summary, (.checks[] | select(.status == "fail") | {id, message})'
  [ "$status" -eq 1 ]
  jq -e '.ok == false and .exit_code == 1 and .summary.fail > 0' <<<"$output"
  [ "$(json_check isolation status)" = fail ]
  [[ $(json_check isolation message) == "not isolated: not Sysbox: uid_map is the identity map '0 0 4294967295'"* ]]
}

@test "validate (CI stand-in): the binary check fails as not Sysbox; --pid=host is reported as NOT refused" {
  standin_or_skip
  validate_json "$STANDIN_RUNTIME"
  p=$(registered_runtime_path "$STANDIN_RUNTIME")
  [ "$(json_check runtime status)" = pass ]
  [ "$(json_check sysbox-runc-version status)" = fail ]
  [[ $(json_check sysbox-runc-version message) == "$STANDIN_RUNTIME is not Sysbox CE: $p --version says "* ]]
  [ -n "$(json_check sysbox-runc-version fix)" ]
  [ "$(json_check pid-host status)" = fail ]
  [[ $(json_check pid-host message) == "--pid=host was NOT refused"* ]]
  if no_sysbox_package; then
    [ "$(json_check package status)" = fail ]
    [[ $(json_check package message) == *"$STANDIN_RUNTIME ($p) is not Sysbox CE"* ]]
  fi
}

@test "validate (CI stand-in): the checks that do hold still pass (start, inner Docker, inner container, cleanup)" {
  standin_or_skip
  validate_json "$STANDIN_RUNTIME"
  for c in runtime image start inner-docker storage-driver inner-container cleanup; do
    echo "$c: $(json_check "$c" status)"
    [ "$(json_check "$c" status)" = pass ]
  done
  [[ $(json_check start message) == "agent image started under $STANDIN_RUNTIME with a fresh volume"* ]]
}

@test "validate (CI stand-in): human output shows ✘ isolation: not isolated: not Sysbox and the verdict" {
  standin_or_skip
  run env NO_COLOR=1 "$TOOL" validate --image "$IMAGE" --runtime "$STANDIN_RUNTIME"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"✘ isolation: not isolated: not Sysbox"* ]]
  [[ $output == *"✘ sysbox-runc-version: $STANDIN_RUNTIME is not Sysbox CE"* ]]
  [[ $output == *"✘ pid-host: --pid=host was NOT refused"* ]]
  [[ $output == *"✔ inner-docker: inner Docker ready "*" ms after docker run (start to ready)"* ]]
  [[ $output == *"failed checks: "*isolation* ]]
  [[ $output == *"verdict: not isolated: not Sysbox"* ]]
  [ "$(leftovers)" -eq 0 ]
}

# --- either runtime ----------------------------------------------------------------------------------------------

@test "validate (real engine): runtime registered; agent image starts under it with a fresh /var/lib/docker volume" {
  real_docker_or_skip "$IMAGE"
  validate_json sysbox-runc
  [ "$(json_check runtime status)" = pass ]
  [ "$(json_check image status)" = pass ]
  [ "$(json_check start status)" = pass ]
  [[ $(json_check volume-mount message) == "/var/lib/docker is volume sysbox-node-validate-"* ]]
}

@test "validate (real engine): inner Docker answers with overlay2; start-to-ready time is reported" {
  real_docker_or_skip "$IMAGE"
  validate_json sysbox-runc
  [ "$(json_check inner-docker status)" = pass ]
  [ "$(json_check storage-driver status)" = pass ]
  [ "$(json_check storage-driver message)" = "inner storage driver overlay2" ]
  ms=$(jq -r '.metrics.start_to_inner_docker_ready_ms' <<<"$output")
  [[ $ms =~ ^[0-9]+$ ]]
  [ "$ms" -gt 0 ]
  echo "# start to inner Docker ready: $ms ms" >&3
}

@test "validate (real engine): runs an inner container with no registry (probe image built inside)" {
  real_docker_or_skip "$IMAGE"
  validate_json sysbox-runc
  [ "$(json_check inner-container status)" = pass ]
}

@test "validate (real engine): --runtime with a name Docker does not know fails the runtime check and starts nothing" {
  real_docker_or_skip
  run --separate-stderr "$TOOL" validate --json --runtime sysbox-node-no-such-runtime
  echo "$output" | jq -c '.checks[] | select(.id == "runtime" or .id == "functional" or .id == "daemon-json")'
  [ "$status" -eq 1 ]
  [ "$(json_check runtime status)" = fail ]
  [[ $(json_check runtime message) == "Docker does not know the runtime sysbox-node-no-such-runtime"*"registered: "*runc* ]]
  [ "$(json_check daemon-json status)" = fail ]
  [ "$(json_check functional status)" = skip ]
  [ "$(leftovers)" -eq 0 ]
}

@test "validate: --runtime needs a runtime name (exit 2)" {
  run --separate-stderr "$TOOL" validate --json --runtime 'no such/name'
  [ "$status" -eq 2 ]
  jq -e '.exit_code == 2 and (.error | contains("--runtime must be a runtime name"))' <<<"$output"
  run "$TOOL" validate --runtime
  [ "$status" -eq 2 ]
  [[ $output == *"--runtime needs a runtime name"* ]]
}

@test "validate (real engine): removes its containers and volume" {
  real_docker_or_skip "$IMAGE"
  validate_json sysbox-runc
  [ "$(json_check cleanup status)" = pass ]
  [ "$(leftovers)" -eq 0 ]
}

@test "validate (real engine): --inner-image streams a local image into the inner Docker (docker save | docker load)" {
  real_docker_or_skip "$IMAGE"
  [ -x /usr/bin/tini-static ] || skip "no static binary (/usr/bin/tini-static) to build a tiny image from"
  d=$BATS_TEST_TMPDIR/tiny
  mkdir -p "$d"
  cp /usr/bin/tini-static "$d/"
  tar -C "$d" -c . | docker import --change 'CMD ["/tini-static", "--version"]' - sysbox-node-test-tiny:latest >/dev/null
  run --separate-stderr "$TOOL" validate --json --image "$IMAGE" --inner-image sysbox-node-test-tiny:latest
  docker rmi sysbox-node-test-tiny:latest >/dev/null
  echo "$output" | jq -c '.checks[] | select(.id == "inner-container")'
  [ "$(json_check inner-container status)" = pass ]
  [[ $(json_check inner-container message) == *"sysbox-node-test-tiny:latest ran and exited 0"* ]]
  [ "$(leftovers)" -eq 0 ]
}

@test "validate (real engine): an image without inner dockerd fails after --timeout and still cleans up" {
  real_docker_or_skip debian:trixie-slim
  run --separate-stderr "$TOOL" validate --json --image debian:trixie-slim --command "sleep 600" --timeout 3
  [ "$status" -eq 1 ]
  [ "$(json_check inner-docker status)" = fail ]
  [[ $(json_check inner-docker message) == "inner Docker did not answer within 3s"* ]]
  [ "$(json_check cleanup status)" = pass ]
  [ "$(leftovers)" -eq 0 ]
}

@test "validate (real engine): interrupted with SIGTERM, it still removes its container and volume" {
  real_docker_or_skip debian:trixie-slim
  "$TOOL" validate --image debian:trixie-slim --command "sleep 600" --timeout 120 >"$BATS_TEST_TMPDIR/out" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    [ -n "$(docker ps -q --filter label=io.jenkins.syscontainer.validate-run)" ] && break
    sleep 0.2
  done
  [ -n "$(docker ps -q --filter label=io.jenkins.syscontainer.validate-run)" ]
  kill -TERM "$pid"
  rc=0
  wait "$pid" || rc=$?
  cat "$BATS_TEST_TMPDIR/out"
  [ "$rc" -eq 143 ]
  [ "$(leftovers)" -eq 0 ]
}

@test "validate (real engine): a missing image fails the image check (exit 1) and starts nothing" {
  real_docker_or_skip
  run --separate-stderr "$TOOL" validate --json --image sysbox-node-no-such-image:0
  [ "$status" -eq 1 ]
  [ "$(json_check image status)" = fail ]
  [ "$(json_check functional status)" = skip ]
}

@test "validate: no reachable Docker engine is an environment error (exit 2)" {
  run --separate-stderr env DOCKER_HOST=unix:///nonexistent/docker.sock "$TOOL" validate --json
  [ "$status" -eq 2 ]
  jq -e '.exit_code == 2 and (.error | contains("cannot reach the Docker engine"))' <<<"$output"
}

# --- fake hosts: host checks in situations this machine cannot be put in -------------------------------------------

# fake_sysbox_host: a host without systemd and without the package, where Docker has sysbox-runc registered at
# /opt/sysbox/sysbox-runc (a script that answers --version like Sysbox CE 0.7.1), and no agent image (so validate runs
# the host checks only). Processes are described by $ROOT/proc/<pid>/comm; there are no sockets in /run/sysbox.
fake_sysbox_host() {
  setup_fake_host
  echo init >"$T/root/proc/1/comm"
  mkdir -p "$T/root/opt/sysbox" "$T/root/etc/docker" "$T/root/var/log"
  printf '#!/bin/sh\nprintf "sysbox-runc\\n\\tedition: \\tCommunity Edition (CE)\\n\\tversion: \\t0.7.1\\n"\n' >"$T/root/opt/sysbox/sysbox-runc"
  printf '#!/bin/sh\necho "runc version 1.1.12"\n' >"$T/root/opt/sysbox/plain-runc"
  chmod +x "$T/root/opt/sysbox/sysbox-runc" "$T/root/opt/sysbox/plain-runc"
  echo '{"runc":{"path":"runc"},"sysbox-runc":{"path":"/opt/sysbox/sysbox-runc"},"other-runc":{"path":"/opt/sysbox/plain-runc"}}' \
    >"$FAKE_STATE/docker-runtimes"
  printf '{\n  "runtimes": {"sysbox-runc": {"path": "/opt/sysbox/sysbox-runc"}, "other-runc": {"path": "/opt/sysbox/plain-runc"}},\n  "bip": "172.20.0.1/16",\n  "default-address-pools": []\n}\n' >"$DJ"
  echo "sysbox:165536:65536" >"$T/root/etc/subuid"
  echo "sysbox:165536:65536" >"$T/root/etc/subgid"
  fake_process 2864 sysbox-mgr
  fake_process 2884 sysbox-fs
}
fake_process() { mkdir -p "$T/root/proc/$1"; echo "$2" >"$T/root/proc/$1/comm"; }

@test "validate (fake host): no systemd: sysbox-mgr and sysbox-fs running warn (not supervised); one stopped fails with a fix" {
  fake_sysbox_host
  run --separate-stderr sn validate --json
  echo "$output" | jq -c '.checks[] | select(.id == "services" or .id == "sockets")'
  [ "$(json_check services status)" = warn ]
  [ "$(json_check services message)" = "systemd is not PID 1: sysbox-mgr (pid 2864) and sysbox-fs (pid 2884) run as plain processes, not supervised, so not restarted after a crash or a reboot" ]
  # No sockets on this fake host: without systemd the fix is to start the daemons, not systemctl.
  [ "$(json_check sockets status)" = fail ]
  [ "$(json_check sockets fix)" = "start sysbox-mgr, then sysbox-fs (see the services check)" ]
  rm -r "$T/root/proc/2884"
  run --separate-stderr sn validate --json
  [ "$status" -eq 1 ]
  [ "$(json_check services status)" = fail ]
  [[ $(json_check services message) == "systemd is not PID 1 and these Sysbox daemons are not running: sysbox-fs "* ]]
  [[ $(json_check services fix) == "start sysbox-mgr, then sysbox-fs, as root in the background (from /opt/sysbox)"* ]]
  rm -r "$T/root/proc/2864"
  run --separate-stderr sn validate --json
  [[ $(json_check services message) == *"not running: sysbox-mgr sysbox-fs "* ]]
}

@test "validate (fake host): systemd as PID 1: units judged as before; units down but daemons running warn; both down fail" {
  fake_sysbox_host
  echo systemd >"$T/root/proc/1/comm"
  touch "$FAKE_STATE/sysbox-active"
  run --separate-stderr sn validate --json
  [ "$(json_check services status)" = warn ]
  [ "$(json_check services message)" = "sysbox, sysbox-mgr, sysbox-fs active but sysbox.service is not enabled at boot" ]
  rm "$FAKE_STATE/sysbox-active"
  run --separate-stderr sn validate --json
  [ "$(json_check services status)" = warn ]
  [[ $(json_check services message) == *"run, but not as active systemd units (not active: sysbox sysbox-mgr sysbox-fs): not supervised"* ]]
  rm -r "$T/root/proc/2864" "$T/root/proc/2884"
  run --separate-stderr sn validate --json
  [ "$(json_check services status)" = fail ]
  [ "$(json_check services message)" = "not active: sysbox sysbox-mgr sysbox-fs" ]
}

@test "validate (fake host): the binary Docker registered is judged: Sysbox CE without the package warns, anything else fails" {
  fake_sysbox_host
  run --separate-stderr sn validate --json --version 0.7.1
  echo "$output" | jq -c '.checks[] | select(.id == "package" or .id == "sysbox-runc-version" or .id == "runtime-path")'
  [ "$(json_check package status)" = warn ]
  [[ $(json_check package message) == "sysbox-ce package is not installed: sysbox-runc is Sysbox CE 0.7.1 at /opt/sysbox/sysbox-runc, installed without the package"* ]]
  [ "$(json_check sysbox-runc-version status)" = pass ]
  [ "$(json_check sysbox-runc-version message)" = "/opt/sysbox/sysbox-runc: sysbox-runc 0.7.1, Community Edition (CE)" ]
  [ "$(json_check runtime-path status)" = warn ]
  # Another version than expected: a warning, as with the package.
  run --separate-stderr sn validate --json --version 0.7.0
  [ "$(json_check sysbox-runc-version status)" = warn ]
  [[ $(json_check sysbox-runc-version message) == *"sysbox-runc 0.7.1, Community Edition (CE), expected 0.7.0" ]]
  # A registered runtime whose binary is not Sysbox CE fails, and so does the package check without a package.
  run --separate-stderr sn validate --json --runtime other-runc
  [ "$status" -eq 1 ]
  [ "$(json_check sysbox-runc-version status)" = fail ]
  [ "$(json_check sysbox-runc-version message)" = "other-runc is not Sysbox CE: /opt/sysbox/plain-runc --version says 'runc version 1.1.12'" ]
  [ "$(json_check package status)" = fail ]
  # The registered binary missing.
  rm "$T/root/opt/sysbox/sysbox-runc"
  run --separate-stderr sn validate --json
  [ "$(json_check sysbox-runc-version status)" = fail ]
  [ "$(json_check sysbox-runc-version message)" = "/opt/sysbox/sysbox-runc not found (registered for sysbox-runc)" ]
}

@test "validate (fake host): daemon.json must hold the runtime Docker registered; a non-package path only warns" {
  fake_sysbox_host
  run --separate-stderr sn validate --json
  [ "$(json_check daemon-json status)" = warn ]
  [[ $(json_check daemon-json message) == "runtimes.sysbox-runc.path '/opt/sysbox/sysbox-runc' agrees with Docker but is not the package's /usr/bin/sysbox-runc" ]]
  jq '.runtimes["sysbox-runc"].path = "/usr/local/bin/sysbox-runc"' "$DJ" >"$DJ.new" && mv "$DJ.new" "$DJ"
  run --separate-stderr sn validate --json
  [ "$(json_check daemon-json status)" = fail ]
  [[ $(json_check daemon-json message) == *"is '/usr/local/bin/sysbox-runc' in /etc/docker/daemon.json, but Docker runs '/opt/sysbox/sysbox-runc'"* ]]
  [[ $(json_check daemon-json fix) == "reload Docker (kill -HUP \$(pidof dockerd)), or correct the file" ]]
  jq 'del(.runtimes["sysbox-runc"])' "$DJ" >"$DJ.new" && mv "$DJ.new" "$DJ"
  run --separate-stderr sn validate --json
  [ "$(json_check daemon-json status)" = fail ]
  [[ $(json_check daemon-json message) == "runtimes.sysbox-runc.path is absent from /etc/docker/daemon.json"* ]]
}

@test "validate (fake host): idmap comes from sysbox-mgr's log file without a journal, and is skipped without either" {
  fake_sysbox_host
  run --separate-stderr sn validate --json
  [ "$(json_check idmap status)" = skip ]
  [[ $(json_check idmap message) == "no journal and no /var/log/sysbox-mgr.log"* ]]
  printf '%s\n' 'level=info msg="ID-mapped mounts supported by kernel: yes"' 'level=info msg="Overlayfs on ID-mapped mounts supported by kernel: no"' \
    >"$T/root/var/log/sysbox-mgr.log"
  run --separate-stderr sn validate --json
  [ "$(json_check idmap status)" = warn ]
  [ "$(json_check idmap message)" = "sysbox-mgr (/var/log/sysbox-mgr.log): ID-mapped mounts, but no overlayfs on them" ]
  printf '%s\n' 'level=info msg="ID-mapped mounts supported by kernel: yes"' 'level=info msg="Overlayfs on ID-mapped mounts supported by kernel: yes"' \
    >>"$T/root/var/log/sysbox-mgr.log"
  run --separate-stderr sn validate --json
  [ "$(json_check idmap status)" = pass ]
  [ "$(json_check idmap message)" = "sysbox-mgr (/var/log/sysbox-mgr.log): overlayfs on ID-mapped mounts supported" ]
}
