#!/usr/bin/env bats
# validate against the real Docker engine of this machine. In CI that engine has the *CI stand-in* registered as
# sysbox-runc (no user namespace, identity uid_map): validate must fail there with "not isolated: not Sysbox" while
# the checks that do hold (runtime registered, agent image starts with a fresh /var/lib/docker volume, inner Docker on
# overlay2 runs a container, cleanup) pass. Without an engine these tests skip, or fail under --require-docker.

load helpers

IMAGE=${SYSBOX_NODE_TEST_IMAGE:-system-container-agent:latest}

# One JSON validate run shared by the tests that only read its report.
validate_json() {
  if [ ! -e "$BATS_FILE_TMPDIR/validate.json" ]; then
    local rc=0
    "$TOOL" validate --json --image "$IMAGE" >"$BATS_FILE_TMPDIR/validate.json" 2>"$BATS_FILE_TMPDIR/validate.err" || rc=$?
    echo "$rc" >"$BATS_FILE_TMPDIR/validate.rc"
  fi
  output=$(cat "$BATS_FILE_TMPDIR/validate.json")
  status=$(cat "$BATS_FILE_TMPDIR/validate.rc")
}

leftovers() {
  { docker ps -aq --filter label=io.jenkins.syscontainer.validate-run; docker volume ls -q --filter label=io.jenkins.syscontainer.validate-run; } | wc -l
}

standin() {
  [ "$(docker info --format '{{json .Runtimes}}' | jq -r '.["sysbox-runc"].path')" != /usr/bin/sysbox-runc ]
}

@test "validate (real engine): fails on the CI stand-in with 'not isolated: not Sysbox' (identity uid_map)" {
  real_docker_or_skip "$IMAGE"
  validate_json
  echo "$output" | jq .
  standin || skip "sysbox-runc is the real Sysbox here"
  [ "$status" -eq 1 ]
  jq -e '.ok == false and .exit_code == 1' <<<"$output"
  [ "$(json_check isolation status)" = fail ]
  [[ $(json_check isolation message) == "not isolated: not Sysbox: uid_map is the identity map '0 0 4294967295'"* ]]
}

@test "validate (real engine): runtime registered; agent image starts under it with a fresh /var/lib/docker volume" {
  real_docker_or_skip "$IMAGE"
  validate_json
  [ "$(json_check runtime status)" = pass ]
  [ "$(json_check image status)" = pass ]
  [ "$(json_check start status)" = pass ]
  [[ $(json_check volume-mount message) == "/var/lib/docker is volume sysbox-node-validate-"* ]]
}

@test "validate (real engine): inner Docker answers with overlay2; start-to-ready time is reported" {
  real_docker_or_skip "$IMAGE"
  validate_json
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
  validate_json
  [ "$(json_check inner-container status)" = pass ]
}

@test "validate (real engine): --pid=host is tested and reported as found (not refused on the stand-in)" {
  real_docker_or_skip "$IMAGE"
  validate_json
  if standin; then
    [ "$(json_check pid-host status)" = fail ]
    [[ $(json_check pid-host message) == "--pid=host was NOT refused"* ]]
  else
    [ "$(json_check pid-host status)" = pass ]
  fi
}

@test "validate (real engine): host checks that cannot hold without the package fail with a fix" {
  real_docker_or_skip "$IMAGE"
  validate_json
  standin || skip "sysbox-runc is the real Sysbox here"
  [ "$(json_check runtime-path status)" = warn ]
  [ "$(json_check sysbox-runc-version status)" = fail ]
  [ "$(json_check sockets status)" = fail ]
  [ -n "$(json_check sockets fix)" ]
}

@test "validate (real engine): removes its containers and volume" {
  real_docker_or_skip "$IMAGE"
  validate_json
  [ "$(json_check cleanup status)" = pass ]
  [ "$(leftovers)" -eq 0 ]
}

@test "validate (real engine): human output shows ✘ not isolated and the ready time" {
  real_docker_or_skip "$IMAGE"
  run env NO_COLOR=1 "$TOOL" validate --image "$IMAGE"
  echo "$output"
  standin || skip "sysbox-runc is the real Sysbox here"
  [ "$status" -eq 1 ]
  [[ $output == *"✘ isolation: not isolated: not Sysbox"* ]]
  [[ $output == *"✔ inner-docker: inner Docker ready "*" ms after docker run (start to ready)"* ]]
  [[ $output == *"failed checks: "*isolation* ]]
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
