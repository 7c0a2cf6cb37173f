# sysbox-node: the preflight checks and the check command.
# shellcheck shell=bash

# ---------------------------------------------------------------------------------------------------------------------
# check

MISSING_PKGS=()
DOCKER_MISSING=0
DOCKER_STOPPED=0

check_root() {
  if [ "$(id -u)" = 0 ]; then pass root "running as root"; else warn root "not running as root: some checks may be incomplete" "run with sudo"; fi
}

check_distro() {
  local id ver like
  id=$(os_field ID) ver=$(os_field VERSION_ID) like=$(os_field ID_LIKE)
  case "$id $ver" in
    "ubuntu 22.04" | "ubuntu 24.04" | "debian 12")
      pass distro "$id $ver (supported)" ;;
    "ubuntu 20.04" | "ubuntu 18.04" | "debian 11" | "debian 10")
      warn distro "$id $ver: in Sysbox's distro matrix but not tested by this tool" "prefer Ubuntu 22.04/24.04 or Debian 12" ;;
    ubuntu\ * | debian\ *)
      warn distro "$id $ver: not in Sysbox's distro matrix; the package installs (kernel >= 5.5) but this combination is untested" \
        "prefer Ubuntu 22.04/24.04 or Debian 12" ;;
    *)
      if [[ " $like " == *" debian "* || " $like " == *" ubuntu "* ]]; then
        warn distro "${id:-unknown} ${ver}: Debian derivative, untested" "prefer Ubuntu 22.04/24.04 or Debian 12"
      else
        fail distro "${id:-unknown} ${ver}: sysbox-ce is packaged only for Debian and Ubuntu" \
          "use Ubuntu 22.04/24.04 or Debian 12 (on Fedora, Rocky, Alma, Amazon Linux Sysbox must be built from source)"
      fi ;;
  esac
}

check_arch() {
  local a
  a=$(host_arch)
  case $a in
    amd64 | arm64) pass arch "$a" ;;
    *) fail arch "$a: sysbox-ce is published for amd64 and arm64 only" "use an amd64 or arm64 host" ;;
  esac
}

check_kernel() {
  local rel mm
  rel=$(kernel_release)
  if [[ $rel =~ ^([0-9]+)\.([0-9]+) ]]; then mm="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"; else
    fail kernel "cannot parse kernel release '$rel'" "check uname -r"; return
  fi
  if ver_ge "$mm" 5.19; then
    pass kernel "$rel (>= 5.19: ID-mapped mounts with overlayfs, no chown of caches)"
  elif ver_ge "$mm" 5.12; then
    warn kernel "$rel: ID-mapped mounts but no overlayfs on them (< 5.19): Sysbox chowns rootfs and cache volumes at every start and stop" \
      "upgrade to kernel >= 5.19 (Ubuntu HWE kernel)"
  elif have modinfo && modinfo shiftfs >/dev/null 2>&1; then
    warn kernel "$rel: older than 5.12, relying on the shiftfs module" "upgrade to kernel >= 5.19 (Ubuntu HWE kernel)"
  else
    fail kernel "kernel $rel too old for Sysbox without shiftfs (needs >= 5.12, >= 5.19 recommended)" \
      "upgrade to kernel >= 5.19 (Ubuntu HWE kernel), or install shiftfs (kernels < 6.3 only)"
  fi
  local cfg=$ROOT/boot/config-$rel
  if [ -r "$cfg" ]; then
    local opt missing=
    for opt in USER_NS FUSE_FS OVERLAY_FS SECCOMP_FILTER; do
      grep -Eq "^CONFIG_$opt=(y|m)" "$cfg" || missing+=" CONFIG_$opt"
    done
    if [ -z "$missing" ]; then pass kernel-config "USER_NS, FUSE_FS, OVERLAY_FS, SECCOMP_FILTER enabled"; else
      fail kernel-config "kernel built without:$missing" "use a distribution kernel with these options"
    fi
  fi
}

check_init() {
  if pid1_is_systemd; then pass systemd "systemd is PID 1"; else
    fail systemd "PID 1 is '$(read_file "$ROOT/proc/1/comm")', not systemd: the Sysbox package requires systemd as init" \
      "run Sysbox hosts with systemd as init (VMs or bare metal, not containers)"
  fi
}

check_cgroup() {
  local t
  t=$(stat -f -c %T "$ROOT/sys/fs/cgroup" 2>/dev/null) || t=unknown
  case $t in
    cgroup2fs) pass cgroup "cgroup v2" ;;
    tmpfs) pass cgroup "cgroup v1" ;;
    *) warn cgroup "/sys/fs/cgroup is '$t'" "mount cgroup v1 or v2 at /sys/fs/cgroup" ;;
  esac
}

check_userns() {
  local max clone
  max=$(read_file "$ROOT/proc/sys/user/max_user_namespaces")
  if [ -z "$max" ]; then
    fail userns "user namespaces unavailable (no /proc/sys/user/max_user_namespaces)" "use a kernel with CONFIG_USER_NS=y"
  elif [ "$max" -le 0 ] 2>/dev/null; then
    fail userns "user namespaces disabled: user.max_user_namespaces=$max" \
      "sysctl -w user.max_user_namespaces=65536 and persist it in /etc/sysctl.d/"
  else
    clone=$(read_file "$ROOT/proc/sys/kernel/unprivileged_userns_clone")
    if [ -n "$clone" ] && [ "$clone" != 1 ]; then
      fail userns "unprivileged user namespaces disabled: kernel.unprivileged_userns_clone=$clone" \
        "sysctl -w kernel.unprivileged_userns_clone=1 (the sysbox-ce package also sets it)"
    else
      pass userns "user namespaces enabled (max_user_namespaces=$max)"
    fi
  fi
}

check_docker() {
  local dockerd
  dockerd=$(command -v dockerd 2>/dev/null) || dockerd=
  if [[ $dockerd == /snap/* ]] || { have snap && snap list docker >/dev/null 2>&1; }; then
    fail docker "Docker is installed as a snap: Sysbox does not support the Docker snap" \
      "snap remove docker, then install Docker natively (apt-get install docker.io, or docker-ce from download.docker.com)"
    return
  fi
  if [ -z "$dockerd" ] || ! have docker; then
    DOCKER_MISSING=1
    fail docker "Docker Engine is not installed" "sysbox-node install installs docker.io, or install docker-ce yourself" install
    return
  fi
  case $dockerd in
    /usr/bin/dockerd | /usr/sbin/dockerd) ;;
    *) warn docker-path "dockerd is at $dockerd, not installed from a package (/usr/bin or /usr/sbin)" \
      "install Docker from packages (docker.io or docker-ce)" ;;
  esac
  local v
  if v=$(docker version --format '{{.Server.Version}}' 2>/dev/null) && [ -n "$v" ]; then
    pass docker "Docker Engine $v running ($dockerd)"
  else
    DOCKER_STOPPED=1
    fail docker "Docker Engine is installed but not answering" "systemctl enable --now docker (install does this)" install
  fi
}

check_tools() {
  local spec tool pkg
  for spec in fusermount3:fuse3 rsync:rsync iptables:iptables jq:jq modprobe:kmod lsb_release:lsb-release; do
    tool=${spec%%:*} pkg=${spec#*:}
    if have "$tool"; then pass "tool:$tool" "$tool present"; else
      MISSING_PKGS+=("$pkg")
      fail "tool:$tool" "$tool is not installed on host (Sysbox needs it)" "apt-get install -y $pkg (install does this)" install
    fi
  done
  if [ -c "$ROOT/dev/fuse" ]; then pass fuse-device "/dev/fuse present"; else
    fail fuse-device "/dev/fuse missing: sysbox-fs cannot mount its FUSE file systems" "modprobe fuse; use a kernel with CONFIG_FUSE_FS"
  fi
}

check_filesystems() {
  local p t
  for p in "$DOCKER_DATA_DIR" "$SYSBOX_DATA_DIR"; do
    t=$(fs_type "$p")
    case $t in
      ext2/ext3) pass "fs:${p#"$ROOT"}" "${p#"$ROOT"} on ext4" ;;
      btrfs) pass "fs:${p#"$ROOT"}" "${p#"$ROOT"} on btrfs" ;;
      xfs) warn "fs:${p#"$ROOT"}" "${p#"$ROOT"} on xfs: ID-mapped mounts may be refused (Sysbox issue #586)" "prefer ext4" ;;
      tmpfs | overlayfs | overlay | shiftfs)
        fail "fs:${p#"$ROOT"}" "${p#"$ROOT"} on $t is unsupported: Sysbox refuses tmpfs/overlayfs backing directories" \
          "put ${p#"$ROOT"} on an ext4 disk" ;;
      *) warn "fs:${p#"$ROOT"}" "${p#"$ROOT"} on $t: untested by Sysbox" "prefer ext4" ;;
    esac
  done
}

check_apparmor() {
  local id ver
  id=$(os_field ID) ver=$(os_field VERSION_ID)
  if [ "$id" != ubuntu ]; then skip apparmor "not Ubuntu"; return; fi
  local r
  r=$(read_file "$ROOT/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
  if [ "$r" = 1 ]; then
    warn apparmor-userns "kernel.apparmor_restrict_unprivileged_userns=1 (Ubuntu 24.04+ default): known source of 'permission denied' inside Sysbox containers (issues #1025, #1035)" \
      "if containers fail with permission errors, set kernel.apparmor_restrict_unprivileged_userns=0 in /etc/sysctl.d/"
  else
    pass apparmor-userns "AppArmor does not restrict unprivileged user namespaces"
  fi
  local prof=$ROOT/sys/kernel/security/apparmor/profiles
  if [ -r "$prof" ] && grep -q '^fusermount3 (enforce)' "$prof"; then
    warn apparmor-fusermount3 "AppArmor enforces the fusermount3 profile (Ubuntu ${ver}): sysbox-fs fails with 'fusermount3: mount failed: Permission denied' (issue #1005)" \
      "aa-complain /etc/apparmor.d/fusermount3"
  else
    pass apparmor-fusermount3 "no enforced fusermount3 AppArmor profile"
  fi
}

check_daemon_json() {
  local f=$DAEMON_JSON
  if [ ! -e "$f" ]; then pass daemon-json "${f#"$ROOT"} absent (install creates it)"; return; fi
  if ! have jq; then skip daemon-json "jq missing: ${f#"$ROOT"} is checked after jq is installed"; return; fi
  local e
  if ! e=$(jq -e 'type == "object"' "$f" 2>&1 >/dev/null); then
    fail daemon-json "${f#"$ROOT"} is not a valid JSON object${e:+ ($e)}" "fix the file (jq . ${f#"$ROOT"} shows where), then re-run"
    return
  fi
  if [ "$(jq -r '."default-runtime" // ""' "$f")" = sysbox-runc ]; then
    warn daemon-json "default-runtime is sysbox-runc: this breaks Docker managed plugins (Sysbox issue #734)" \
      "remove \"default-runtime\"; the plugin selects the runtime per container"
  else
    pass daemon-json "${f#"$ROOT"} is valid JSON"
  fi
}

check_sysbox_package() {
  local v
  v=$(pkg_version sysbox-ce)
  if [ -z "$v" ]; then pass sysbox-package "sysbox-ce not installed yet"
  elif [[ $v == "$DEFAULT_SYSBOX_VERSION"* ]]; then pass sysbox-package "sysbox-ce $v installed"
  else warn sysbox-package "sysbox-ce $v installed; the pinned default is $DEFAULT_SYSBOX_VERSION" "upgrade: see docs/runtime-node.md (uninstall, then install)"
  fi
}

run_checks() {
  # shellcheck disable=SC2034 # PHASE is read by lib/common.sh
  PHASE=check
  # shellcheck disable=SC2034 # read by lib/install.sh
  MISSING_PKGS=() DOCKER_MISSING=0 DOCKER_STOPPED=0
  check_root
  check_distro
  check_arch
  check_kernel
  check_init
  check_cgroup
  check_userns
  check_docker
  check_tools
  check_filesystems
  check_apparmor
  check_daemon_json
  check_sysbox_package
}

cmd_check() {
  # shellcheck disable=SC2034 # JSON is read by lib/common.sh
  while [ $# -gt 0 ]; do
    case $1 in
      --json) JSON=1 ;;
      -h | --help) usage; exit 0 ;;
      *) die_usage "check: unknown option '$1'" ;;
    esac
    shift
  done
  say "sysbox-node check: preflight for Sysbox CE (changes nothing)"
  run_checks
  finish
}
