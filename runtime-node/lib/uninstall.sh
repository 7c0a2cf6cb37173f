# sysbox-node: the uninstall command (refuses while Sysbox containers run; removes sysbox-ce and our daemon.json keys).
# shellcheck shell=bash

# ---------------------------------------------------------------------------------------------------------------------
# uninstall

cmd_uninstall() {
  local purge_caches=0
  # shellcheck disable=SC2034 # JSON is read by lib/common.sh
  while [ $# -gt 0 ]; do
    case $1 in
      --json) JSON=1 ;;
      --dry-run) DRY_RUN=1 ;;
      --purge-caches) purge_caches=1 ;;
      -h | --help) usage; exit 0 ;;
      *) die_usage "uninstall: unknown option '$1'" ;;
    esac
    shift
  done
  if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then die_env "uninstall must run as root (or use --dry-run)"; fi
  have jq || die_env "uninstall: jq not found (apt-get install -y jq)"
  say "sysbox-node uninstall$([ "$DRY_RUN" = 1 ] && echo ' (dry run)')"
  # shellcheck disable=SC2034 # PHASE is read by lib/common.sh
  PHASE=uninstall

  # Refuse while Sysbox containers run: removing the runtime under them leaves them broken.
  if docker_up; then
    local id rt running=()
    for id in $(docker ps -q 2>/dev/null); do
      rt=$(docker inspect -f '{{.HostConfig.Runtime}}' "$id" 2>/dev/null) || rt=
      [ "$rt" = sysbox-runc ] && running+=("$id")
    done
    if [ ${#running[@]} -gt 0 ]; then
      fail sysbox-containers "${#running[@]} container(s) running under sysbox-runc: ${running[*]}" \
        "stop them first (take the host out of the Jenkins cloud, then docker stop ${running[*]})"
      abort_failed "uninstall refused while Sysbox containers run"
    fi
    pass sysbox-containers "no containers running under sysbox-runc"
  else
    note "Docker is not running: cannot look for running Sysbox containers"
  fi

  local v
  v=$(pkg_version sysbox-ce)
  if [ -n "$v" ]; then
    if have apt-mark && apt-mark showhold 2>/dev/null | grep -qx sysbox-ce; then
      act "release the hold on sysbox-ce" apt-mark unhold sysbox-ce || true
    fi
    act "remove sysbox-ce $v" env DEBIAN_FRONTEND=noninteractive apt-get purge -y sysbox-ce ||
      abort_failed "apt-get purge sysbox-ce failed"
    pass package "sysbox-ce $v removed"
  else
    pass package "sysbox-ce not installed"
  fi
  if getent passwd sysbox >/dev/null 2>&1; then
    act "remove the sysbox user (the package leaves it)" userdel sysbox || warn sysbox-user "userdel sysbox failed" "userdel sysbox"
  fi

  revert_daemon_json || abort_failed "daemon.json not changed"
  apply_docker_config

  if [ "$purge_caches" = 1 ]; then
    if docker_up; then
      local vol labels n=0
      while read -r vol labels; do
        [ -n "$vol" ] || continue
        [[ $labels == *"$CACHE_LABEL_PREFIX"* ]] || continue
        n=$((n + 1))
        act "remove cache volume $vol" docker volume rm "$vol" || warn "cache:$vol" "could not remove volume $vol (in use?)" "docker volume rm $vol"
      done < <(docker volume ls --format '{{.Name}} {{.Labels}}' 2>/dev/null)
      pass caches "$n agent cache volume(s) $([ "$DRY_RUN" = 1 ] && echo 'would be ' || echo '')removed"
    else
      warn caches "Docker is not running: agent cache volumes not removed" "start Docker and re-run with --purge-caches"
    fi
    if [ -d "$SYSBOX_DATA_DIR" ]; then
      act "remove the Sysbox data root" rm -rf "$SYSBOX_DATA_DIR" || warn sysbox-data "could not remove $SYSBOX_DATA_DIR" "rm -rf $SYSBOX_DATA_DIR"
    fi
  else
    note "agent cache volumes and ${SYSBOX_DATA_DIR#"$ROOT"} kept (--purge-caches removes them)"
  fi
  [ "$DRY_RUN" = 1 ] || rm -f "$STATE_DIR/installed.json"
  finish
}
