# sysbox-node: the install command (prerequisites, Docker, daemon.json, verified sysbox-ce package, hold, validate).
# shellcheck shell=bash

# ---------------------------------------------------------------------------------------------------------------------
# install

cmd_install() {
  local version=$DEFAULT_SYSBOX_VERSION deb='' sha='' image=$DEFAULT_IMAGE no_validate=0 net=1 bip=$DEFAULT_BIP pool=$DEFAULT_POOL
  # shellcheck disable=SC2034 # JSON is read by lib/common.sh
  while [ $# -gt 0 ]; do
    case $1 in
      --json) JSON=1 ;;
      --dry-run) DRY_RUN=1 ;;
      --version) [ $# -ge 2 ] || die_usage "--version needs a value"; version=$2; shift ;;
      --deb) [ $# -ge 2 ] || die_usage "--deb needs a file"; deb=$2; shift ;;
      --sha256) [ $# -ge 2 ] || die_usage "--sha256 needs a value"; sha=$2; shift ;;
      --image) [ $# -ge 2 ] || die_usage "--image needs a value"; image=$2; shift ;;
      --no-validate) no_validate=1 ;;
      --no-network-defaults) net=0 ;;
      --bip) [ $# -ge 2 ] || die_usage "--bip needs a value"; bip=$2; shift ;;
      --address-pool) [ $# -ge 2 ] || die_usage "--address-pool needs a value"; pool=$2; shift ;;
      -h | --help) usage; exit 0 ;;
      *) die_usage "install: unknown option '$1'" ;;
    esac
    shift
  done
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die_usage "install: --version must look like 0.7.1, got '$version'"
  if [ -n "$sha" ]; then
    sha=$(printf '%s' "$sha" | tr 'A-F' 'a-f')
    [[ $sha =~ ^[0-9a-f]{64}$ ]] || die_usage "install: --sha256 must be 64 hex digits"
  fi
  if [ -n "$deb" ]; then
    [ -f "$deb" ] || die_usage "install: --deb file not found: $deb"
    deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
  fi
  [[ $bip =~ ^[0-9.]+/[0-9]+$ ]] || die_usage "install: --bip must be an address/prefix such as $DEFAULT_BIP"
  [[ $pool =~ ^[0-9.]+/[0-9]+$ ]] || die_usage "install: --address-pool must be a CIDR such as $DEFAULT_POOL"
  if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then die_env "install must run as root (or use --dry-run)"; fi

  say "sysbox-node install: sysbox-ce $version$([ "$DRY_RUN" = 1 ] && echo ' (dry run)')"
  INSTALLING=1
  run_checks
  # shellcheck disable=SC2034 # INSTALLING is read by lib/common.sh
  INSTALLING=0

  local arch expected
  arch=$(host_arch)
  if [ -n "$sha" ]; then
    expected=$sha
  else
    expected=$(pinned_sha "$version" "$arch")
    if [ -z "$expected" ]; then
      die_usage "install: sysbox-ce $version is not in the pinned table; pass --sha256 with the published checksum (pinned: $(pinned_table | awk '{print $1}' | sort -Vru | tr '\n' ' '))"
    fi
    if [ "$expected" = unknown ]; then
      die_usage "install: no confirmed sha256 for sysbox-ce $version on $arch; pass --sha256 with the value published on the release page"
    fi
  fi

  # Refuse before changing anything if a failed check is one install cannot repair.
  local i blockers=()
  for i in "${!R_ID[@]}"; do
    if [ "${R_STATUS[$i]}" = fail ] && [ "${R_FIXABLE[$i]}" != install ]; then blockers+=("${R_ID[$i]}"); fi
  done
  if [ ${#blockers[@]} -gt 0 ]; then
    abort_failed "install refused: failed checks that install cannot fix: ${blockers[*]}"
  fi

  # shellcheck disable=SC2034 # PHASE is read by lib/common.sh
  PHASE=install
  local installed
  installed=$(pkg_version sysbox-ce)
  if [ -n "$installed" ] && [[ $installed != "$version" && $installed != "$version"-* ]]; then
    fail sysbox-package "sysbox-ce $installed is installed, not $version" \
      "upgrade: stop all Sysbox containers, run 'sysbox-node uninstall', then 'sysbox-node install --version $version'"
    abort_failed "install refused: a different sysbox-ce version is installed"
  fi

  # 1. Prerequisites; fuse3 first and on its own, so the legacy fuse package is never pulled in instead.
  local apt_env=(env DEBIAN_FRONTEND=noninteractive)
  if [ ${#MISSING_PKGS[@]} -gt 0 ] || [ "$DOCKER_MISSING" = 1 ]; then
    act "refresh package lists" "${apt_env[@]}" apt-get update || abort_failed "apt-get update failed"
  fi
  local p rest=()
  for p in ${MISSING_PKGS[@]+"${MISSING_PKGS[@]}"}; do [ "$p" = fuse3 ] || rest+=("$p"); done
  if [[ " ${MISSING_PKGS[*]-} " == *" fuse3 "* ]]; then
    act "install fuse3 before Sysbox (sysbox-fs calls fusermount3)" "${apt_env[@]}" apt-get install -y fuse3 ||
      abort_failed "installing fuse3 failed"
    if [ "$DRY_RUN" = 0 ] && ! have fusermount3; then abort_failed "fusermount3 still missing after installing fuse3"; fi
  fi
  if [ ${#rest[@]} -gt 0 ]; then
    act "install prerequisites" "${apt_env[@]}" apt-get install -y "${rest[@]}" || abort_failed "installing prerequisites failed"
  fi
  if [ "$DOCKER_MISSING" = 1 ]; then
    local dpk=(docker.io)
    if [ "$(os_field ID)" = debian ] && ver_ge "$(os_field VERSION_ID).0" 13.0; then dpk+=(docker-cli); fi
    act "install Docker Engine (Debian/Ubuntu package)" "${apt_env[@]}" apt-get install -y "${dpk[@]}" ||
      abort_failed "installing Docker failed"
  fi
  if [ "$DOCKER_MISSING" = 1 ] || [ "$DOCKER_STOPPED" = 1 ]; then
    act "start Docker" systemctl enable --now docker || abort_failed "starting Docker failed"
  fi

  # 2. daemon.json, pretty-printed and pre-seeded so that the package neither aborts nor restarts Docker by itself.
  if [ "$DRY_RUN" = 0 ] || have jq; then
    merge_daemon_json "$net" "$bip" "$pool" || abort_failed "daemon.json not changed"
  else
    act_note "merge ${DAEMON_JSON#"$ROOT"} once jq is installed" "runtimes.sysbox-runc, bip, default-address-pools"
  fi
  apply_docker_config

  # 3. The package.
  if [ -n "$installed" ]; then
    pass sysbox-package "sysbox-ce $installed already installed"
  else
    local file
    if [ -n "$deb" ]; then
      file=$deb
    else
      local name=sysbox-ce_${version}-0.linux_${arch}.deb
      local url=$BASE_URL/v$version/$name
      file=$CACHE_DIR/$name
      if [ -f "$file" ] && [ "$(sha256sum "$file" | awk '{print $1}')" = "$expected" ]; then
        note "using the already downloaded $file"
      else
        if [ "$DRY_RUN" = 0 ]; then mkdir -p "$CACHE_DIR"; rm -f "$file.part"; fi
        act "download sysbox-ce $version ($arch)" curl -fsSL --retry 3 -o "$file.part" "$url" ||
          abort_failed "download failed: $url (air-gapped host? use --deb FILE)"
        if [ "$DRY_RUN" = 0 ]; then mv -f "$file.part" "$file"; fi
      fi
    fi
    if [ "$DRY_RUN" = 1 ] && [ ! -f "$file" ]; then
      act_note "verify sha256 of $(basename "$file")" "expect $expected"
    elif ! verify_sha256 "$file" "$expected"; then
      [ -z "$deb" ] && [ "$DRY_RUN" = 0 ] && rm -f "$file"
      abort_failed "Checksum mismatch: refusing to install"
    fi
    if [ -f "$file" ] && have dpkg-deb; then
      local pk pa
      pk=$(dpkg-deb -f "$file" Package 2>/dev/null) || pk=
      pa=$(dpkg-deb -f "$file" Architecture 2>/dev/null) || pa=
      if [ "$pk" != sysbox-ce ] || { [ -n "$pa" ] && [ "$pa" != "$arch" ]; }; then
        fail package-file "$(basename "$file") is not a sysbox-ce package for $arch (Package: ${pk:-?}, Architecture: ${pa:-?})" "use the sysbox-ce .deb for $arch"
        abort_failed "wrong package file"
      fi
    fi
    act "install sysbox-ce $version" "${apt_env[@]}" apt-get install -y "$file" ||
      abort_failed "installing sysbox-ce failed (see the installer output above; journalctl -u sysbox -n 50)"
  fi

  # 4. Keep apt from upgrading it under running agents; make sure the services run.
  if have apt-mark && apt-mark showhold 2>/dev/null | grep -qx sysbox-ce; then
    pass apt-hold "sysbox-ce already held"
  else
    act "hold sysbox-ce (upgrade only with sysbox-node)" apt-mark hold sysbox-ce || fail apt-hold "apt-mark hold sysbox-ce failed"
  fi
  if [ "$DRY_RUN" = 0 ] && have systemctl && systemctl is-active --quiet sysbox 2>/dev/null; then
    pass sysbox-service "sysbox.service active"
  else
    act "enable and start the Sysbox services" systemctl enable --now sysbox ||
      fail sysbox-service "systemctl enable --now sysbox failed" "journalctl -u sysbox -u sysbox-mgr -u sysbox-fs -n 50"
  fi
  if [ "$DRY_RUN" = 0 ]; then
    mkdir -p "$STATE_DIR"
    printf '{"version":"%s","arch":"%s","sha256":"%s","installed_at":"%s","tool_version":"%s"}\n' \
      "$version" "$arch" "$expected" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$TOOL_VERSION" >"$STATE_DIR/installed.json"
  fi

  # 5. Validate.
  if [ "$no_validate" = 1 ]; then
    note "validation skipped (--no-validate): run 'sysbox-node validate' before adding the host to Jenkins"
  elif [ "$DRY_RUN" = 1 ]; then
    act_note "validate the installation" "sysbox-node validate --image $image"
  else
    say ""
    say "validate:"
    run_validate "$version" "$image" "" "" 120
  fi
  finish
}
