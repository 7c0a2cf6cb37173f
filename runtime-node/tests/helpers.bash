# Shared helpers for the sysbox-node bats suite.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # variables are used by the .bats files; $output is set by bats run

bats_require_minimum_version 1.5.0

TOOL="$BATS_TEST_DIRNAME/../sysbox-node"
FAKES="$BATS_TEST_DIRNAME/fakes"

# Real utilities the tool may call; nothing else from the host is visible to it in fake-host tests.
SYSTEM_TOOLS="bash sh env jq sha256sum awk grep sed cat date mktemp mv cp rm mkdir chmod dirname basename head tail tr
wc sort id touch cut timeout sleep ls cmp readlink ln xargs uniq"
# Commands replaced by the recorded fake (tests/fakes/recorder): they log "<name> <args>" to $FAKE_LOG.
RECORDED="apt-get apt-mark dpkg dpkg-query dpkg-deb systemctl curl docker uname getent userdel modinfo
rsync iptables modprobe lsb_release dockerd"

# setup_fake_host: an Ubuntu 24.04 host with systemd, kernel 6.8, Docker running with no containers, fuse3 missing.
# Files under $T/root stand for /, recorded fakes live in $T/bin, the real tools the script needs in $T/sysbin.
setup_fake_host() {
  T=$BATS_TEST_TMPDIR
  export FAKE_LOG=$T/fake.log FAKE_STATE=$T/state FAKE_BIN=$T/bin
  mkdir -p "$FAKE_STATE" "$T/bin" "$T/sysbin" "$T/root/etc" "$T/root/proc/1" "$T/root/proc/sys/user" \
    "$T/root/proc/sys/kernel" "$T/root/proc/sys/fs/inotify" "$T/root/dev" "$T/root/sys/fs/cgroup" "$T/root/var/lib"
  : >"$FAKE_LOG"
  local c p
  for c in $RECORDED; do ln -s "$FAKES/recorder" "$T/bin/$c"; done
  for c in $SYSTEM_TOOLS; do
    p=$(type -P "$c") && ln -s "$p" "$T/sysbin/$c"
  done
  ln -s "$FAKES/stat" "$T/sysbin/stat"
  printf 'ID=ubuntu\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04 LTS"\n' >"$T/root/etc/os-release"
  echo systemd >"$T/root/proc/1/comm"
  echo 15000 >"$T/root/proc/sys/user/max_user_namespaces"
  echo 0 >"$T/root/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
  echo 1048576 >"$T/root/proc/sys/fs/inotify/max_user_watches"
  mknod "$T/root/dev/fuse" c 10 229
  echo cgroup2fs >"$T/root/sys/fs/cgroup/.fstype"
  echo amd64 >"$FAKE_STATE/arch"
  echo 6.8.0-31-generic >"$FAKE_STATE/kernel"
  echo 0.7.1-0 >"$FAKE_STATE/deb-version"
  export SYSBOX_NODE_ROOT=$T/root
  unset SYSBOX_NODE_DOCKER_DAEMON_JSON SYSBOX_NODE_STATE_DIR SYSBOX_NODE_CACHE_DIR
  DJ=$T/root/etc/docker/daemon.json
  STATE=$T/root/var/lib/sysbox-node
}

# sn ARGS: run the tool on the fake host (recorded fakes first on PATH, then only the listed real tools).
sn() { PATH="$T/bin:$T/sysbin" NO_COLOR=1 "$TOOL" "$@"; }

# mutations: the state-changing commands the fakes recorded, in order.
mutations() {
  grep -E '^(apt-get|apt-mark (hold|unhold)|systemctl (restart|reload|enable|start|stop|disable)|curl|userdel|docker volume rm)( |$)' \
    "$FAKE_LOG" || true
}

# real_docker_or_skip [IMAGE]: skip (or fail under SYSBOX_NODE_REQUIRE_DOCKER=1) without a reachable engine/image.
real_docker_or_skip() {
  local why=
  if ! command -v docker >/dev/null 2>&1; then why="docker CLI not installed"
  elif ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then why="no Docker engine reachable"
  elif ! docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"sysbox-runc"'; then why="engine has no sysbox-runc runtime"
  elif [ -n "${1:-}" ] && ! docker image inspect "$1" >/dev/null 2>&1; then why="image $1 not present"
  fi
  require_or_skip "$why"
}

# require_or_skip WHY: nothing when WHY is empty; else skip the test with WHY as the reason, or fail it under
# --require-docker (SYSBOX_NODE_REQUIRE_DOCKER=1), where every precondition of the real-engine tests must hold.
require_or_skip() {
  [ -z "$1" ] && return 0
  if [ "${SYSBOX_NODE_REQUIRE_DOCKER:-0}" = 1 ]; then
    echo "Docker required (--require-docker) but: $1" >&2
    return 1
  fi
  skip "$1"
}

# registered_runtime_path NAME: the path the engine has registered for runtime NAME (docker info), empty if none.
registered_runtime_path() {
  docker info --format '{{json .Runtimes}}' 2>/dev/null | jq -r --arg n "$1" '.[$n].path // .[$n].Path // empty'
}

# runtime_is_sysbox_ce NAME: the binary the engine runs for runtime NAME says it is Sysbox CE (sysbox-runc --version:
# "edition: Community Edition (CE)"). Decided from what Docker has registered, never from a fixed path.
runtime_is_sysbox_ce() {
  local p bin out
  p=$(registered_runtime_path "$1")
  [ -n "$p" ] || return 1
  case $p in /*) bin=$p ;; *) bin=$(command -v -- "$p") || return 1 ;; esac
  out=$("$bin" --version 2>&1) || return 1
  [[ $out == *sysbox-runc* && $out == *"Community Edition (CE)"* ]]
}

# json_check ID FIELD: a field of one check in $output (JSON).
json_check() { jq -r --arg id "$1" --arg f "$2" '.checks[] | select(.id == $id) | .[$f]' <<<"$output"; }

# refute_logged REGEX: fail when the fakes recorded a command matching REGEX (grep -E, whole log line).
refute_logged() {
  if grep -Eq -- "$1" "$FAKE_LOG"; then
    echo "unexpected command recorded: $(grep -E -- "$1" "$FAKE_LOG")" >&2
    return 1
  fi
}
