# sysbox-node: the validate command, its host checks and the cleanup of its test container and volume.
# shellcheck shell=bash

# ---------------------------------------------------------------------------------------------------------------------
# validate

V_RUN_ID=
V_CONTAINERS=()
V_VOLUMES=()
V_CLEANED=1

validate_cleanup() {
  [ "$V_CLEANED" = 1 ] && return 0
  V_CLEANED=1
  local c v ids
  for c in ${V_CONTAINERS[@]+"${V_CONTAINERS[@]}"}; do docker rm -f -v "$c" >/dev/null 2>&1 || true; done
  if [ -n "$V_RUN_ID" ]; then
    ids=$(docker ps -aq --filter "label=$VALIDATE_LABEL=$V_RUN_ID" 2>/dev/null) || ids=
    # shellcheck disable=SC2086 # word splitting of the id list is intended
    [ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1
  fi
  for v in ${V_VOLUMES[@]+"${V_VOLUMES[@]}"}; do docker volume rm -f "$v" >/dev/null 2>&1 || true; done
  return 0
}

on_signal() {
  validate_cleanup
  trap - EXIT
  exit "$1"
}

host_checks() {
  local version=$1
  # Registration as seen by the engine.
  local rt path
  rt=$(docker info --format '{{json .Runtimes}}' 2>/dev/null) || rt='{}'
  path=$(jq -r '.["sysbox-runc"].path // .["sysbox-runc"].Path // empty' <<<"$rt" 2>/dev/null) || path=
  if [ -z "$path" ] && ! jq -e 'has("sysbox-runc")' <<<"$rt" >/dev/null 2>&1; then
    fail runtime "Docker does not know the runtime sysbox-runc ('Unknown runtime specified sysbox-runc')" \
      "add it to ${DAEMON_JSON#"$ROOT"} (sysbox-node install) and reload Docker: systemctl reload docker"
    V_RUNTIME_OK=0
  else
    pass runtime "runtime sysbox-runc registered with Docker (path ${path:-?})"
    V_RUNTIME_OK=1
    if [ -n "$path" ] && [ "$path" != "$SYSBOX_RUNC_PATH" ]; then
      warn runtime-path "sysbox-runc is registered at $path, not at the Sysbox package's $SYSBOX_RUNC_PATH" \
        "point runtimes.sysbox-runc.path at $SYSBOX_RUNC_PATH (sysbox-node install) and reload Docker"
    fi
  fi
  local dr
  dr=$(docker info --format '{{.DefaultRuntime}}' 2>/dev/null) || dr=
  if [ "$dr" = sysbox-runc ]; then
    warn default-runtime "default-runtime is sysbox-runc: breaks Docker managed plugins (issue #734)" "remove default-runtime from daemon.json"
  else
    pass default-runtime "default runtime is ${dr:-runc} (the plugin asks for sysbox-runc per container)"
  fi

  # Package and binaries.
  local pv
  pv=$(pkg_version sysbox-ce)
  if [ -z "$pv" ]; then
    fail package "sysbox-ce package is not installed" "sysbox-node install"
  elif [[ $pv == "$version" || $pv == "$version"-* ]]; then
    pass package "sysbox-ce $pv installed"
  else
    warn package "sysbox-ce $pv installed, expected $version" "upgrade: sysbox-node uninstall, then sysbox-node install --version $version"
  fi
  local bin=$ROOT$SYSBOX_RUNC_PATH out
  if [ -x "$bin" ]; then
    out=$("$bin" --version 2>&1) || out=
    if [[ $out == *"Community Edition (CE)"* ]] && [[ $out =~ version:[[:space:]]*$version ]]; then
      pass sysbox-runc-version "sysbox-runc $version, Community Edition (CE)"
    else
      warn sysbox-runc-version "sysbox-runc --version does not report CE $version: $(printf '%s' "$out" | tr '\n' ' ' | tr -s ' ' | cut -c1-160)" \
        "reinstall with sysbox-node install --version $version"
    fi
  else
    fail sysbox-runc-version "$SYSBOX_RUNC_PATH not found" "sysbox-node install"
  fi

  # Services and sockets.
  if ! pid1_is_systemd; then
    fail services "systemd is not PID 1: the Sysbox services (sysbox, sysbox-mgr, sysbox-fs) cannot run here" \
      "run Sysbox hosts with systemd as init"
  elif ! have systemctl; then
    fail services "systemctl not found" "install systemd"
  else
    local u bad=
    for u in sysbox sysbox-mgr sysbox-fs; do
      systemctl is-active --quiet "$u" 2>/dev/null || bad+=" $u"
    done
    if [ -n "$bad" ]; then
      fail services "not active:$bad" "systemctl restart sysbox; journalctl -u sysbox-mgr -u sysbox-fs -n 50"
    elif [ "$(systemctl is-enabled sysbox 2>/dev/null)" != enabled ]; then
      warn services "sysbox, sysbox-mgr, sysbox-fs active but sysbox.service is not enabled at boot" "systemctl enable sysbox"
    else
      pass services "sysbox, sysbox-mgr, sysbox-fs active; sysbox enabled"
    fi
  fi
  local s missing=
  for s in sysmgr.sock sysfs.sock; do [ -S "$ROOT/run/sysbox/$s" ] || missing+=" /run/sysbox/$s"; done
  if [ -z "$missing" ]; then pass sockets "/run/sysbox/sysmgr.sock and sysfs.sock present"; else
    fail sockets "missing:$missing ('failed to register with sysbox-mgr … connection refused')" "systemctl restart sysbox"
  fi

  # Subordinate ids.
  local f lines size bad_ids=
  for f in subuid subgid; do
    lines=$(grep -c '^sysbox:' "$ROOT/etc/$f" 2>/dev/null) || lines=0
    size=$(awk -F: '$1 == "sysbox" { print $3; exit }' "$ROOT/etc/$f" 2>/dev/null) || size=
    if [ "$lines" != 1 ] || [ "$size" != 65536 ]; then bad_ids+=" /etc/$f (${lines} sysbox entries, size ${size:-none})"; fi
  done
  if [ -z "$bad_ids" ]; then pass subids "/etc/subuid and /etc/subgid: one sysbox range of 65536"; else
    fail subids "expected exactly one 'sysbox:<start>:65536' line in:$bad_ids ('sysbox-runc requires user namespace uid mapping array have one element')" \
      "the sysbox-ce package adds them (sysbox-node install); keep a single sysbox line of size 65536 in each file"
  fi

  # daemon.json as written on disk.
  if [ ! -e "$DAEMON_JSON" ]; then
    fail daemon-json "${DAEMON_JSON#"$ROOT"} missing" "sysbox-node install"
  elif ! jq -e 'type == "object"' "$DAEMON_JSON" >/dev/null 2>&1; then
    fail daemon-json "${DAEMON_JSON#"$ROOT"} is not valid JSON" "fix it, then systemctl restart docker"
  else
    local p
    p=$(jq -r '.runtimes["sysbox-runc"].path // ""' "$DAEMON_JSON")
    if [ "$p" != "$SYSBOX_RUNC_PATH" ]; then
      fail daemon-json "runtimes.sysbox-runc.path is '${p:-absent}', not $SYSBOX_RUNC_PATH" "sysbox-node install"
    elif ! jq -e 'has("bip") and has("default-address-pools")' "$DAEMON_JSON" >/dev/null; then
      warn daemon-json "bip/default-address-pools not set: host networks may overlap inner Docker's 172.17.0.0/16" "sysbox-node install (or set them yourself)"
    else
      pass daemon-json "runtimes.sysbox-runc, bip and default-address-pools set"
    fi
  fi

  # Sysctls the package persists.
  local watches
  watches=$(read_file "$ROOT/proc/sys/fs/inotify/max_user_watches")
  if [ -e "$ROOT/lib/sysctl.d/99-sysbox-sysctl.conf" ] && [ "${watches:-0}" -ge 1048576 ] 2>/dev/null; then
    pass sysctl "99-sysbox-sysctl.conf present; fs.inotify.max_user_watches=$watches"
  else
    warn sysctl "/lib/sysctl.d/99-sysbox-sysctl.conf $([ -e "$ROOT/lib/sysctl.d/99-sysbox-sysctl.conf" ] && echo present || echo missing), fs.inotify.max_user_watches=${watches:-?} (package sets 1048576)" \
      "reinstall sysbox-ce, or sysctl --system"
  fi

  # What sysbox-mgr found out about the kernel.
  if pid1_is_systemd && have journalctl; then
    local log
    log=$(journalctl -u sysbox-mgr -b --no-pager 2>/dev/null | tail -n 400) || log=
    if [[ $log == *"Overlayfs on ID-mapped mounts supported by kernel: yes"* ]]; then
      pass idmap "sysbox-mgr: overlayfs on ID-mapped mounts supported"
    elif [[ $log == *"ID-mapped mounts supported by kernel: yes"* ]]; then
      warn idmap "sysbox-mgr: ID-mapped mounts, but no overlayfs on them" "kernel >= 5.19 avoids chown/rootfs cloning"
    else
      warn idmap "sysbox-mgr did not log ID-mapped mount support: Sysbox will fall back to chown/rootfs cloning (slow starts, chowned caches)" \
        "kernel >= 5.19 on ext4; journalctl -u sysbox-mgr -b"
    fi
  else
    skip idmap "no journal to read sysbox-mgr's kernel capability lines from"
  fi
}

run_validate() {
  local version=$1 image=$2 inner_image=$3 cmd=$4 timeout_s=$5
  # shellcheck disable=SC2034 # PHASE is read by lib/common.sh
  PHASE=validate
  # shellcheck disable=SC2034 # read by functional_checks (lib/validate-container.sh)
  V_RUNTIME_OK=0
  if ! have docker; then fail docker "docker CLI not found" "sysbox-node install"; return 0; fi
  if ! docker_up; then fail docker "cannot reach the Docker engine" "systemctl start docker"; return 0; fi
  if ! have jq; then fail jq "jq not found" "apt-get install -y jq"; return 0; fi
  host_checks "$version"
  functional_checks "$image" "$inner_image" "$cmd" "$timeout_s"
}

cmd_validate() {
  local version=$DEFAULT_SYSBOX_VERSION image=$DEFAULT_IMAGE inner_image='' cmd='' timeout_s=60
  if [ -s "$STATE_DIR/installed.json" ] && have jq; then
    version=$(jq -r '.version // empty' "$STATE_DIR/installed.json" 2>/dev/null) || true
    version=${version:-$DEFAULT_SYSBOX_VERSION}
  fi
  # shellcheck disable=SC2034 # JSON is read by lib/common.sh
  while [ $# -gt 0 ]; do
    case $1 in
      --json) JSON=1 ;;
      --image) [ $# -ge 2 ] || die_usage "--image needs a value"; image=$2; shift ;;
      --inner-image) [ $# -ge 2 ] || die_usage "--inner-image needs a value"; inner_image=$2; shift ;;
      --command) [ $# -ge 2 ] || die_usage "--command needs a value"; cmd=$2; shift ;;
      --version) [ $# -ge 2 ] || die_usage "--version needs a value"; version=$2; shift ;;
      --timeout) [ $# -ge 2 ] || die_usage "--timeout needs seconds"; timeout_s=$2; shift ;;
      -h | --help) usage; exit 0 ;;
      *) die_usage "validate: unknown option '$1'" ;;
    esac
    shift
  done
  [[ $timeout_s =~ ^[0-9]+$ ]] || die_usage "validate: --timeout must be a number of seconds"
  have docker || die_env "validate: docker CLI not found"
  docker_up || die_env "validate: cannot reach the Docker engine (is dockerd running? DOCKER_HOST=${DOCKER_HOST:-unset})"
  have jq || die_env "validate: jq not found (apt-get install -y jq)"
  say "sysbox-node validate: Sysbox $version with image $image"
  run_validate "$version" "$image" "$inner_image" "$cmd" "$timeout_s"
  finish
}
