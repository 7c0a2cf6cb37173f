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

# runtime_bin PATH: the file a runtime path registered with Docker names on this host. Docker looks a bare name up on
# its PATH; an absolute path is taken under $ROOT (tests).
runtime_bin() {
  case $1 in
    /*) printf '%s' "$ROOT$1" ;;
    */*) printf '%s' "$1" ;;
    *) command -v -- "$1" 2>/dev/null || true ;;
  esac
}

# sysbox_ce_version OUTPUT: the version a Sysbox CE binary reports in its --version OUTPUT ("sysbox-runc … edition:
# Community Edition (CE) … version: 0.7.1"). Prints nothing and returns 1 when OUTPUT is not Sysbox CE's; returns 0
# with nothing printed when it is Sysbox CE but names no version.
sysbox_ce_version() {
  local out=$1
  [[ $out == *sysbox* && $out == *"Community Edition (CE)"* ]] || return 1
  if [[ $out =~ version:[[:space:]]*([0-9][0-9A-Za-z.+~-]*) ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
  return 0
}

# one_line TEXT [MAX]: TEXT on one line, blanks squeezed, cut to MAX characters (default 160).
one_line() { printf '%s' "$1" | tr '\n\t' '  ' | tr -s ' ' | sed 's/^ //; s/ $//' | cut -c1-"${2:-160}"; }

# docker_reload_hint: how to make dockerd re-read daemon.json here (it reloads runtimes on SIGHUP).
docker_reload_hint() {
  # shellcheck disable=SC2016 # a command for the operator, not expanded here
  if pid1_is_systemd; then printf 'systemctl reload docker'; else printf 'kill -HUP $(pidof dockerd)'; fi
}

# host_checks VERSION RUNTIME: what the host and the engine say about the runtime named RUNTIME, before any container.
host_checks() {
  local version=$1 runtime=$2
  local is_default=0
  [ "$runtime" = "$DEFAULT_RUNTIME" ] && is_default=1

  # Registration as seen by the engine.
  local rt path
  rt=$(docker info --format '{{json .Runtimes}}' 2>/dev/null) || rt='{}'
  path=$(jq -r --arg rt "$runtime" '.[$rt].path // .[$rt].Path // empty' <<<"$rt" 2>/dev/null) || path=

  # The binary Docker runs for the runtime (the package's when the runtime is not registered).
  local shown=${path:-$SYSBOX_RUNC_PATH} bin out='' bin_ok=0 bin_ce=0 bv=''
  bin=$(runtime_bin "$shown")
  if [ -f "$bin" ] && [ -x "$bin" ]; then
    bin_ok=1
    out=$(timeout 10 "$bin" --version 2>&1) || true
    if bv=$(sysbox_ce_version "$out"); then bin_ce=1; fi
  fi

  if [ -z "$path" ] && ! jq -e --arg rt "$runtime" 'has($rt)' <<<"$rt" >/dev/null 2>&1; then
    local known
    known=$(jq -r 'keys | join(", ")' <<<"$rt" 2>/dev/null) || known=
    if [ "$is_default" = 1 ]; then
      fail runtime "Docker does not know the runtime $runtime ('Unknown runtime specified $runtime')" \
        "add it to ${DAEMON_JSON#"$ROOT"} (sysbox-node install) and reload Docker: $(docker_reload_hint)"
    else
      fail runtime "Docker does not know the runtime $runtime ('Unknown runtime specified $runtime'); registered: ${known:-none}" \
        "add runtimes.$runtime to ${DAEMON_JSON#"$ROOT"} and reload Docker ($(docker_reload_hint)), or pass --runtime with a registered name"
    fi
    V_RUNTIME_OK=0
  else
    pass runtime "runtime $runtime registered with Docker (path ${path:-?})"
    V_RUNTIME_OK=1
    if [ -n "$path" ] && [ "$path" != "$SYSBOX_RUNC_PATH" ]; then
      local fix="point runtimes.$runtime.path at the Sysbox package's $SYSBOX_RUNC_PATH (sysbox-node install) and reload Docker"
      if [ "$bin_ce" = 1 ] && [ ! -x "$ROOT$SYSBOX_RUNC_PATH" ]; then
        fix="nothing to do for a Sysbox CE installed without the package (see the package check); the sysbox-ce package puts it at $SYSBOX_RUNC_PATH"
      fi
      warn runtime-path "$runtime is registered at $path, not at the Sysbox package's $SYSBOX_RUNC_PATH" "$fix"
    fi
  fi
  local dr
  dr=$(docker info --format '{{.DefaultRuntime}}' 2>/dev/null) || dr=
  if [ "$dr" = "$runtime" ]; then
    warn default-runtime "default-runtime is $runtime: breaks Docker managed plugins (issue #734)" "remove default-runtime from daemon.json"
  else
    pass default-runtime "default runtime is ${dr:-runc} ($([ "$is_default" = 1 ] && echo "the plugin asks for $runtime per container" || echo "containers ask for $runtime with --runtime"))"
  fi

  # Package.
  local pv
  pv=$(pkg_version sysbox-ce)
  if [ -n "$pv" ]; then
    if [[ $pv == "$version" || $pv == "$version"-* ]]; then
      pass package "sysbox-ce $pv installed"
    else
      warn package "sysbox-ce $pv installed, expected $version" "upgrade: sysbox-node uninstall, then sysbox-node install --version $version"
    fi
  elif [ "$bin_ce" = 1 ] && [ -n "$bv" ]; then
    warn package "sysbox-ce package is not installed: $runtime is Sysbox CE $bv at $shown, installed without the package (sysbox-node upgrades and uninstall do not apply to it)" \
      "upgrade or remove that Sysbox the way it was installed; to manage it with sysbox-node, stop it and run sysbox-node install"
  else
    fail package "sysbox-ce package is not installed$([ "$bin_ok" = 1 ] && printf ', and %s (%s) is not Sysbox CE' "$runtime" "$shown")" "sysbox-node install"
  fi

  # Binary: must be Sysbox CE; another version than expected is a warning.
  if [ "$bin_ok" = 0 ]; then
    fail sysbox-runc-version "$shown not found$([ -n "$path" ] && printf ' (registered for %s)' "$runtime")" "sysbox-node install"
  elif [ "$bin_ce" = 0 ]; then
    fail sysbox-runc-version "$runtime is not Sysbox CE: $shown --version says '$(one_line "${out:-nothing}")'" \
      "register the real Sysbox runtime (sysbox-node install puts $SYSBOX_RUNC_PATH under sysbox-runc), or validate it with --runtime NAME"
  elif [ -n "$bv" ] && [[ $bv == "$version" || $bv == "$version"-* ]]; then
    pass sysbox-runc-version "$shown: sysbox-runc $bv, Community Edition (CE)"
  else
    local fix="upgrade: sysbox-node uninstall, then sysbox-node install --version $version"
    [ -n "$pv" ] || fix="install Sysbox CE $version, or pass --version ${bv:-V} if this version is the intended one"
    warn sysbox-runc-version "$shown: sysbox-runc ${bv:-(no version reported)}, Community Edition (CE), expected $version" "$fix"
  fi

  # Services: systemd units of the package, or processes started some other way.
  local mgr_pids fs_pids sbin_dir=
  mgr_pids=$(proc_pids sysbox-mgr) || mgr_pids=
  fs_pids=$(proc_pids sysbox-fs) || fs_pids=
  case $path in /*) sbin_dir=${path%/*} ;; esac
  local running="sysbox-mgr (pid $mgr_pids) and sysbox-fs (pid $fs_pids)"
  if pid1_is_systemd && have systemctl; then
    local u bad=
    for u in sysbox sysbox-mgr sysbox-fs; do
      systemctl is-active --quiet "$u" 2>/dev/null || bad+=" $u"
    done
    if [ -z "$bad" ]; then
      if [ "$(systemctl is-enabled sysbox 2>/dev/null)" != enabled ]; then
        warn services "sysbox, sysbox-mgr, sysbox-fs active but sysbox.service is not enabled at boot" "systemctl enable sysbox"
      else
        pass services "sysbox, sysbox-mgr, sysbox-fs active; sysbox enabled"
      fi
    elif [ -n "$mgr_pids" ] && [ -n "$fs_pids" ]; then
      warn services "$running run, but not as active systemd units (not active:$bad): not supervised, so not restarted after a crash or a reboot" \
        "run them from the sysbox-ce package's units (sysbox-node install), or from units of your own"
    else
      fail services "not active:$bad" "systemctl restart sysbox; journalctl -u sysbox-mgr -u sysbox-fs -n 50"
    fi
  elif [ -n "$mgr_pids" ] && [ -n "$fs_pids" ]; then
    warn services "systemd is not PID 1: $running run as plain processes, not supervised, so not restarted after a crash or a reboot" \
      "have your init system start and restart them (sysbox-mgr first, then sysbox-fs), or run Sysbox hosts with systemd as init"
  else
    local down=
    [ -n "$mgr_pids" ] || down+=" sysbox-mgr"
    [ -n "$fs_pids" ] || down+=" sysbox-fs"
    fail services "systemd is not PID 1 and these Sysbox daemons are not running:$down (containers cannot start under $runtime)" \
      "start sysbox-mgr, then sysbox-fs, as root in the background${sbin_dir:+ (from $sbin_dir)}; see ${SYSBOX_MGR_LOG#"$ROOT"} and /var/log/sysbox-fs.log; better: run Sysbox hosts with systemd as init"
  fi
  local s missing=
  for s in sysmgr.sock sysfs.sock; do [ -S "$ROOT/run/sysbox/$s" ] || missing+=" /run/sysbox/$s"; done
  if [ -z "$missing" ]; then pass sockets "/run/sysbox/sysmgr.sock and sysfs.sock present"; else
    local sfix="systemctl restart sysbox"
    pid1_is_systemd || sfix="start sysbox-mgr, then sysbox-fs (see the services check)"
    fail sockets "missing:$missing ('failed to register with sysbox-mgr … connection refused')" "$sfix"
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

  # daemon.json as written on disk: the runtime's entry must be there and be what Docker has loaded.
  local dj=${DAEMON_JSON#"$ROOT"}
  if [ ! -e "$DAEMON_JSON" ]; then
    fail daemon-json "$dj missing" "sysbox-node install"
  elif ! jq -e 'type == "object"' "$DAEMON_JSON" >/dev/null 2>&1; then
    fail daemon-json "$dj is not valid JSON" "fix it, then restart Docker"
  else
    local p add_fix="sysbox-node install"
    [ "$is_default" = 1 ] || add_fix="add runtimes.$runtime.path to $dj and reload Docker: $(docker_reload_hint)"
    p=$(jq -r --arg rt "$runtime" '.runtimes[$rt].path // ""' "$DAEMON_JSON")
    if [ -z "$p" ]; then
      fail daemon-json "runtimes.$runtime.path is absent from $dj$([ -n "$path" ] && printf ' (Docker has %s registered from elsewhere)' "$path")" "$add_fix"
    elif [ "$V_RUNTIME_OK" = 0 ]; then
      fail daemon-json "runtimes.$runtime.path is '$p' in $dj, but Docker has not loaded it" "reload Docker: $(docker_reload_hint)"
    elif [ -n "$path" ] && [ "$p" != "$path" ]; then
      fail daemon-json "runtimes.$runtime.path is '$p' in $dj, but Docker runs '$path' (file changed, Docker not reloaded?)" \
        "reload Docker ($(docker_reload_hint)), or correct the file"
    else
      local why=() wfix=()
      if [ "$p" != "$SYSBOX_RUNC_PATH" ]; then
        why+=("runtimes.$runtime.path '$p' agrees with Docker but is not the package's $SYSBOX_RUNC_PATH")
        if [ "$bin_ce" = 1 ]; then
          wfix+=("the path: nothing to do for a Sysbox CE installed without the package (sysbox-node install and uninstall manage $SYSBOX_RUNC_PATH only)")
        else
          wfix+=("the path: it is not Sysbox CE (see the sysbox-runc-version check); register the real Sysbox")
        fi
      fi
      if ! jq -e 'has("bip") and has("default-address-pools")' "$DAEMON_JSON" >/dev/null; then
        why+=("bip/default-address-pools not set: host networks may overlap inner Docker's 172.17.0.0/16")
        wfix+=("bip/default-address-pools: sysbox-node install, or set them yourself")
      fi
      if [ ${#why[@]} -eq 0 ]; then
        pass daemon-json "runtimes.$runtime, bip and default-address-pools set"
      else
        local w wf
        w=$(printf '%s; ' "${why[@]}") wf=$(printf '%s; ' "${wfix[@]}")
        warn daemon-json "${w%; }" "${wf%; }"
      fi
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

  # What sysbox-mgr found out about the kernel: from the journal, else from its log file (no systemd).
  local log='' src='' where
  if pid1_is_systemd && have journalctl; then
    log=$(journalctl -u sysbox-mgr -b --no-pager 2>/dev/null | grep -F 'ID-mapped mounts supported by kernel' | tail -n 2) || log=
    src=journal where="journalctl -u sysbox-mgr -b"
  fi
  if [ -z "$log" ] && [ -r "$SYSBOX_MGR_LOG" ]; then
    log=$(grep -F 'ID-mapped mounts supported by kernel' "$SYSBOX_MGR_LOG" 2>/dev/null | tail -n 2) || log=
    src=${SYSBOX_MGR_LOG#"$ROOT"} where=$src
  fi
  if [ -z "$src" ]; then
    skip idmap "no journal and no ${SYSBOX_MGR_LOG#"$ROOT"} to read sysbox-mgr's kernel capability lines from"
  elif [[ $log == *"Overlayfs on ID-mapped mounts supported by kernel: yes"* ]]; then
    pass idmap "sysbox-mgr ($src): overlayfs on ID-mapped mounts supported"
  elif [[ $log == *"ID-mapped mounts supported by kernel: yes"* ]]; then
    warn idmap "sysbox-mgr ($src): ID-mapped mounts, but no overlayfs on them" "kernel >= 5.19 avoids chown/rootfs cloning"
  else
    warn idmap "sysbox-mgr did not log ID-mapped mount support ($src): Sysbox will fall back to chown/rootfs cloning (slow starts, chowned caches)" \
      "kernel >= 5.19 on ext4; $where"
  fi
}

# run_validate VERSION IMAGE INNER_IMAGE CMD TIMEOUT [RUNTIME]: host checks, then the system-container checks, against
# the runtime registered with Docker as RUNTIME (default sysbox-runc).
run_validate() {
  local version=$1 image=$2 inner_image=$3 cmd=$4 timeout_s=$5 runtime=${6:-$DEFAULT_RUNTIME}
  # shellcheck disable=SC2034 # PHASE is read by lib/common.sh
  PHASE=validate
  # shellcheck disable=SC2034 # read by functional_checks (lib/validate-container.sh)
  V_RUNTIME_OK=0
  if ! have docker; then fail docker "docker CLI not found" "sysbox-node install"; return 0; fi
  if ! docker_up; then fail docker "cannot reach the Docker engine" "systemctl start docker"; return 0; fi
  if ! have jq; then fail jq "jq not found" "apt-get install -y jq"; return 0; fi
  host_checks "$version" "$runtime"
  functional_checks "$image" "$inner_image" "$cmd" "$timeout_s" "$runtime"
}

cmd_validate() {
  local version=$DEFAULT_SYSBOX_VERSION image=$DEFAULT_IMAGE inner_image='' cmd='' timeout_s=60 runtime=$DEFAULT_RUNTIME
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
      --runtime) [ $# -ge 2 ] || die_usage "--runtime needs a runtime name"; runtime=$2; shift ;;
      -h | --help) usage; exit 0 ;;
      *) die_usage "validate: unknown option '$1'" ;;
    esac
    shift
  done
  [[ $timeout_s =~ ^[0-9]+$ ]] || die_usage "validate: --timeout must be a number of seconds"
  [[ $runtime =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die_usage "validate: --runtime must be a runtime name as registered with Docker (letters, digits, . _ -)"
  have docker || die_env "validate: docker CLI not found"
  docker_up || die_env "validate: cannot reach the Docker engine (is dockerd running? DOCKER_HOST=${DOCKER_HOST:-unset})"
  have jq || die_env "validate: jq not found (apt-get install -y jq)"
  say "sysbox-node validate: Sysbox $version with image $image, runtime $runtime"
  run_validate "$version" "$image" "$inner_image" "$cmd" "$timeout_s" "$runtime"
  finish
}
