# sysbox-node: validate's system-container checks (isolation, inner Docker, volume, --pid=host, cleanup).
# shellcheck shell=bash

# ---------------------------------------------------------------------------------------------------------------------
# validate: a real system container

# functional_checks IMAGE INNER_IMAGE CMD TIMEOUT [RUNTIME]
functional_checks() {
  local image=$1 inner_image=$2 cmd=$3 timeout_s=$4 runtime=${5:-$DEFAULT_RUNTIME}
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    fail image "image $image is not present on this host" "build or load the agent image (docker load), or pass --image IMAGE"
    skip functional "system-container checks need an image"
    return 0
  fi
  pass image "image $image present"
  if [ "$V_RUNTIME_OK" != 1 ]; then
    skip functional "runtime $runtime not registered: no system container started"
    return 0
  fi

  V_RUN_ID=$(date +%s)-$$-$RANDOM
  local name=sysbox-node-validate-$V_RUN_ID vol=sysbox-node-validate-$V_RUN_ID
  # shellcheck disable=SC2034 # read by validate_cleanup (lib/validate.sh)
  V_CONTAINERS=("$name" "$name-pidhost") V_VOLUMES=("$vol") V_CLEANED=0
  trap validate_cleanup EXIT
  trap 'on_signal 130' INT
  trap 'on_signal 143' TERM
  trap 'on_signal 129' HUP

  local out t0 t1 t2
  if ! out=$(docker volume create --label "$VALIDATE_LABEL=$V_RUN_ID" "$vol" 2>&1); then
    fail start "docker volume create failed: $out" "check the Docker engine"
    validate_cleanup
    return 0
  fi
  local run_args=(run -d --name "$name" --runtime="$runtime" --label "$VALIDATE_LABEL=$V_RUN_ID"
    --mount "type=volume,source=$vol,target=/var/lib/docker" "$image")
  if [ -n "$cmd" ]; then
    local -a cmd_words
    read -r -a cmd_words <<<"$cmd"
    run_args+=("${cmd_words[@]}")
  fi
  t0=$(now_ms)
  if ! out=$(timeout 120 docker "${run_args[@]}" 2>&1); then
    local fix="see the error; journalctl -u sysbox-mgr -u sysbox-fs -n 50"
    pid1_is_systemd || fix="see the error; ${SYSBOX_MGR_LOG#"$ROOT"} and /var/log/sysbox-fs.log"
    [[ $out == *"nknown runtime"* || $out == *"unknown or invalid runtime"* ]] && fix="reload Docker so it reads runtimes.$runtime: $(docker_reload_hint)"
    fail start "system container did not start: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-300)" "$fix"
    validate_cleanup
    return 0
  fi
  t1=$(now_ms)
  metric container_start_ms $((t1 - t0))
  pass start "agent image started under $runtime with a fresh volume at /var/lib/docker ($((t1 - t0)) ms)"

  # Isolation: a Sysbox container's root maps to an unprivileged host range; the identity map means no user namespace.
  local map a b c extra subuid_start
  map=$(docker exec "$name" cat /proc/1/uid_map 2>&1) || map="error: $map"
  read -r a b c extra <<<"$(printf '%s' "$map" | head -n1)" || true
  if [ "$(printf '%s\n' "$map" | grep -c .)" -gt 1 ]; then
    fail isolation "uid_map has more than one line: $(printf '%s' "$map" | tr -s ' \n' ' ')" "this is not a Sysbox CE container"
  elif [ "$a" = 0 ] && [ "$b" = 0 ] && [ "$c" = 4294967295 ]; then
    fail isolation "not isolated: not Sysbox: uid_map is the identity map '0 0 4294967295' (container root is host root; no user namespace)" \
      "$runtime is not Sysbox: register the real Sysbox runtime ($SYSBOX_RUNC_PATH, sysbox-node install) and validate it (--runtime NAME when it is not sysbox-runc)"
  elif [ "$a" = 0 ] && [[ $b =~ ^[0-9]+$ ]] && [ "$b" -gt 0 ] && [ "$c" = 65536 ] && [ -z "$extra" ]; then
    subuid_start=$(awk -F: '$1 == "sysbox" { print $2; exit }' "$ROOT/etc/subuid" 2>/dev/null) || subuid_start=
    if [ -n "$subuid_start" ] && [ "$subuid_start" != "$b" ]; then
      warn isolation "user namespace active (root -> host uid $b) but /etc/subuid says sysbox:$subuid_start" "reinstall sysbox-ce"
    else
      pass isolation "user namespace: container root is host uid $b (range 65536)"
    fi
  else
    fail isolation "unexpected uid_map '$(printf '%s' "$map" | tr -s ' \n' ' ')'" "this does not look like a Sysbox CE container"
  fi

  # Inner Docker readiness.
  local deadline driver='' state
  deadline=$(($(date +%s) + timeout_s))
  while :; do
    driver=$(timeout 15 docker exec "$name" docker info --format '{{.Driver}}' 2>/dev/null) || driver=
    [ -n "$driver" ] && break
    state=$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null) || state=false
    if [ "$state" != true ] || [ "$(date +%s)" -ge "$deadline" ]; then break; fi
    sleep 0.1
  done
  t2=$(now_ms)
  if [ -z "$driver" ]; then
    local logs
    logs=$(docker exec "$name" tail -n 5 /var/log/dockerd.log 2>/dev/null || docker logs --tail 5 "$name" 2>&1) || logs=
    fail inner-docker "inner Docker did not answer within ${timeout_s}s (container running: ${state:-?}); last log lines: $(printf '%s' "$logs" | tr '\n' ' ' | cut -c1-300)" \
      "the image must start dockerd: from its entrypoint, or pass --command dockerd for an image without one"
    skip storage-driver "inner Docker not ready"
    skip inner-container "inner Docker not ready"
  else
    metric start_to_inner_docker_ready_ms $((t2 - t0))
    pass inner-docker "inner Docker ready $((t2 - t0)) ms after docker run (start to ready)"
    case $driver in
      overlay2 | overlayfs) pass storage-driver "inner storage driver $driver" ;;
      vfs) fail storage-driver "inner storage driver vfs: every layer is a full copy" "the volume at /var/lib/docker must be on ext4/btrfs; check findmnt /var/lib/docker inside" ;;
      *) warn storage-driver "inner storage driver $driver (expected overlay2)" "set storage-driver overlay2 in the image's /etc/docker/daemon.json" ;;
    esac
    check_volume_mount "$name" "$vol"
    check_inner_container "$name" "$inner_image"
  fi

  check_pid_host "$image" "$name-pidhost" "$runtime"

  local cid
  cid=$(docker inspect -f '{{.Id}}' "$name" 2>/dev/null) || cid=
  validate_cleanup
  trap - EXIT INT TERM HUP
  local left
  left=$( (docker ps -aq --filter "label=$VALIDATE_LABEL=$V_RUN_ID"; docker volume ls -q --filter "label=$VALIDATE_LABEL=$V_RUN_ID") 2>/dev/null | wc -l | tr -d ' ')
  if [ "$left" = 0 ]; then
    if [ -n "$cid" ] && [ -d "$SYSBOX_DATA_DIR/docker/$cid" ]; then
      warn cleanup "test container and volume removed, but $SYSBOX_DATA_DIR/docker/$cid was left behind (Sysbox issue #576)" "rm -rf it once no container uses it"
    else
      pass cleanup "test containers and volume removed"
    fi
  else
    fail cleanup "$left test container(s)/volume(s) with label $VALIDATE_LABEL=$V_RUN_ID left behind" \
      "docker rm -f \$(docker ps -aq --filter label=$VALIDATE_LABEL); docker volume prune --filter label=$VALIDATE_LABEL"
  fi
}

check_volume_mount() {
  local name=$1 vol=$2 line
  line=$(docker exec "$name" sh -c 'grep " /var/lib/docker " /proc/self/mountinfo' 2>/dev/null | head -n1) || line=
  if [ -z "$line" ]; then
    fail volume-mount "/var/lib/docker is not a mount inside the container" "mount a volume at /var/lib/docker"
  elif [[ $line != *"/volumes/$vol/_data "* ]]; then
    warn volume-mount "/var/lib/docker is mounted but not from volume $vol: $line" "check the container's mounts"
  elif [[ $line == *idmapped* ]]; then
    pass volume-mount "/var/lib/docker is volume $vol, ID-mapped"
  else
    warn volume-mount "/var/lib/docker is volume $vol but not ID-mapped (Sysbox on kernel >= 5.19 ID-maps it; otherwise it chowns the cache at start and stop)" \
      "use kernel >= 5.19 and ext4 so Sysbox ID-maps the cache"
  fi
}

# The probe runs an inner container without a registry: either an image streamed in from the host (--inner-image), or
# a tiny image made inside from /usr/bin/echo and the libraries it needs.
check_inner_container() {
  local name=$1 inner_image=$2 out
  if [ -n "$inner_image" ]; then
    if ! docker image inspect "$inner_image" >/dev/null 2>&1; then
      fail inner-container "--inner-image $inner_image is not present on this host" "docker load it, or omit --inner-image"
      return 0
    fi
    if ! out=$(docker save "$inner_image" | timeout 300 docker exec -i "$name" docker load 2>&1); then
      fail inner-container "docker load of $inner_image into the inner Docker failed: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-300)" "check inner dockerd's log"
      return 0
    fi
    if out=$(timeout 120 docker exec "$name" docker run --rm "$inner_image" 2>&1); then
      pass inner-container "inner container from $inner_image ran and exited 0"
    else
      fail inner-container "inner 'docker run --rm $inner_image' failed: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-300)" "check inner dockerd's log (/var/log/dockerd.log)"
    fi
    return 0
  fi
  # shellcheck disable=SC2016 # expanded by the shell inside the container
  local script='set -e
d=$(mktemp -d)
for f in /usr/bin/echo $(ldd /usr/bin/echo 2>/dev/null | grep -o "/[^ ]*"); do
  mkdir -p "$d$(dirname "$f")"; cp -L "$f" "$d$f"
done
tar -C "$d" -c . | docker import - sysbox-node-probe:latest >/dev/null
rm -rf "$d"
docker run --rm sysbox-node-probe:latest /usr/bin/echo sysbox-node-inner-ok
docker rmi sysbox-node-probe:latest >/dev/null 2>&1 || true'
  if out=$(timeout 120 docker exec "$name" sh -c "$script" 2>&1) && [[ $out == *sysbox-node-inner-ok* ]]; then
    pass inner-container "inner 'docker run' worked (probe image built inside from /usr/bin/echo)"
  else
    fail inner-container "inner 'docker run' failed: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-300)" \
      "check inner dockerd's log (/var/log/dockerd.log); or pass --inner-image with a small local image"
  fi
}

check_pid_host() {
  local image=$1 name=$2 runtime=${3:-$DEFAULT_RUNTIME} out
  if out=$(timeout 60 docker run --rm --name "$name" --runtime="$runtime" --pid=host --label "$VALIDATE_LABEL=$V_RUN_ID" \
    --entrypoint true "$image" 2>&1); then
    fail pid-host "--pid=host was NOT refused: the runtime let a container join the host PID namespace (Sysbox refuses this)" \
      "use the real Sysbox runtime; the plugin's policy also blocks --pid=host"
  elif [[ $out == *"can't share"* ]]; then
    pass pid-host "--pid=host refused by the runtime ('sysbox containers can't share namespaces … with the host')"
  else
    warn pid-host "--pid=host failed, but not with Sysbox's refusal: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-200)" "inspect the error"
  fi
}
