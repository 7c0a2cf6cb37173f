# sysbox-node: facts about the host (os-release, architecture, kernel, PID 1, Docker, packages, filesystems).
# shellcheck shell=bash

# ---------------------------------------------------------------------------------------------------------------------
# Host facts

os_field() {
  local key=$1 file=$ROOT/etc/os-release line
  [ -r "$file" ] || { printf ''; return 0; }
  line=$(grep -E "^$key=" "$file" | head -n1) || true
  line=${line#*=}
  line=${line#\"}
  line=${line%\"}
  printf '%s' "$line"
}

host_arch() {
  local a
  if have dpkg; then
    a=$(dpkg --print-architecture 2>/dev/null) || a=
    [ -n "$a" ] && { printf '%s' "$a"; return 0; }
  fi
  case $(uname -m) in
    x86_64) printf amd64 ;;
    aarch64 | arm64) printf arm64 ;;
    *) uname -m ;;
  esac
}

# ver_ge A B: dotted numeric comparison, A >= B.
ver_ge() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

kernel_release() { uname -r; }

read_file() {
  if [ -r "$1" ]; then head -c 4096 "$1" | tr -d '\n'; fi
  return 0
}

pid1_is_systemd() { [ "$(read_file "$ROOT/proc/1/comm")" = systemd ]; }

# proc_pids NAME: the PIDs of the processes named exactly NAME (like pgrep -x), read from $ROOT/proc/<pid>/comm so
# that tests can describe the processes of a fake host. Prints them space-separated; returns 1 when there are none.
proc_pids() {
  local f pids=''
  while IFS= read -r f; do
    f=${f%/comm}
    pids+=" ${f##*/}"
  done < <(grep -slx -- "$1" "$ROOT"/proc/[0-9]*/comm 2>/dev/null)
  [ -n "$pids" ] || return 1
  printf '%s' "${pids# }"
}

docker_up() { have docker && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

pkg_version() { # installed version of a Debian package, empty if not installed
  have dpkg-query || return 0
  local s
  s=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null) || return 0
  case $s in installed\ *) printf '%s' "${s#installed }" ;; esac
}

# fs_type PATH: filesystem type of PATH, or of its nearest existing ancestor.
fs_type() {
  local p=$1
  while [ ! -e "$p" ] && [ "$p" != / ] && [ -n "$p" ]; do p=$(dirname "$p"); done
  [ -n "$p" ] || p=/
  stat -f -c %T "$p" 2>/dev/null || printf unknown
}
