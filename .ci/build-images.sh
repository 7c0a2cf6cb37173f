#!/usr/bin/env bash
# Builds the images the Docker-backed tests use, with no registry:
#  1. debian:trixie-slim, the agent Dockerfile's FROM, made with debootstrap and `docker import` (reused when present);
#  2. system-container-agent:latest from runtime-node/images/agent/Dockerfile with plain `docker build`;
#  3. sca-test/busybox:latest, a ~1 MiB image of Debian's static busybox, for tests that run inner containers.
# The debootstrap already includes the agent's packages, so the Dockerfile's apt-get step has little to fetch.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
base=debian:trixie-slim
agent=${AGENT_IMAGE:-system-container-agent:latest}

if docker image inspect "$base" >/dev/null 2>&1; then
  echo "base image $base present, reused"
else
  root=$(mktemp -d /var/tmp/trixie-rootfs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap trixie into $root"
  debootstrap --variant=minbase \
    --include=docker.io,docker-cli,docker-buildx,docker-compose,iptables,ca-certificates,procps,tini,git,curl,openjdk-21-jre-headless \
    trixie "$root" ${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"} >/var/tmp/debootstrap.log 2>&1 || { tail -n 40 /var/tmp/debootstrap.log >&2; exit 1; }
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
  tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$base"
fi

tiny=${TINY_IMAGE:-sca-test/busybox:latest}
if ! docker image inspect "$tiny" >/dev/null 2>&1; then
  bb=$(mktemp -d /var/tmp/busybox-rootfs.XXXXXX)
  mkdir -p "$bb/bin"
  cp /bin/busybox "$bb/bin/busybox"
  for applet in sh echo cat sleep true false head wc md5sum ls; do ln -s busybox "$bb/bin/$applet"; done
  tar -C "$bb" -c . | docker import -c 'CMD ["sh"]' - "$tiny" >/dev/null
  rm -rf "$bb"
fi
docker image inspect "$tiny" --format "test image $tiny: {{.Size}} bytes"

docker build -q -t "$agent" "$top/runtime-node/images/agent"
docker image inspect "$agent" --format "agent image $agent: {{.Id}} {{.Size}} bytes"
