#!/usr/bin/env bash
# Installs (apt-get, as root) the Debian packages that are missing for a local Docker engine with real Sysbox
# (.ci/start-docker.sh) and the image builds (.ci/build-images.sh); with --ci also what the tests use (the bats
# runner, the shell linter, the local registry). Used by .ci/run (with --ci) and by ./run.sh. Does nothing when all
# are there.
#   usage: .ci/install-packages.sh [--ci]
set -euo pipefail
pairs=(dockerd:docker.io debootstrap:debootstrap jq:jq iptables:iptables curl:curl rsync:rsync modprobe:kmod
       fusermount3:fuse3)
case "${1:-}" in
  --ci) pairs+=(bats:bats shellcheck:shellcheck docker-registry:docker-registry) ;;
  "") ;;
  *) echo "usage: $0 [--ci]" >&2; exit 2 ;;
esac
need=()
for p in "${pairs[@]}"; do
  command -v "${p%%:*}" >/dev/null 2>&1 || need+=("${p#*:}")
done
# build-images.sh copies a static busybox into the test image
{ [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically'; } || need+=(busybox-static file)
[ ${#need[@]} -gt 0 ] || exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing packages: ${need[*]}; installing them needs root (run as root, or apt-get install them)" >&2
  exit 1
fi
echo "== apt-get install ${need[*]}"
timeout 600 apt-get update -qq
DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -qq "${need[@]}" >/dev/null
