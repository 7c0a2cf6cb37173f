#!/usr/bin/env bash
# Starts a local dockerd for CI with the *stand-in* sysbox-runc runtime (see .ci/sysbox-runc-standin: NO isolation,
# CI only). Idempotent: reuses a running engine that already has the runtime registered.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
standin=/usr/local/libexec/ci-sysbox-runc-standin

install -D -m 0755 "$here/sysbox-runc-standin" "$standin"

if docker info >/dev/null 2>&1; then
  if docker info --format '{{json .Runtimes}}' | grep -q '"sysbox-runc"'; then
    echo "dockerd already running with runtime sysbox-runc"; exit 0
  fi
  echo "a dockerd is running without the sysbox-runc runtime; stop it first" >&2; exit 1
fi

mkdir -p /etc/docker
if [ -f /etc/docker/daemon.json ] && jq -e . /etc/docker/daemon.json >/dev/null 2>&1; then
  jq --arg p "$standin" '.runtimes["sysbox-runc"] = {path: $p}' /etc/docker/daemon.json > /etc/docker/daemon.json.new
else
  jq -n --arg p "$standin" '{runtimes: {"sysbox-runc": {path: $p}}}' > /etc/docker/daemon.json.new
fi
mv /etc/docker/daemon.json.new /etc/docker/daemon.json

nohup dockerd >/var/log/ci-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && break
  sleep 0.5
done
docker info >/dev/null 2>&1 || { echo "dockerd did not start; log tail:" >&2; tail -n 30 /var/log/ci-dockerd.log >&2; exit 1; }
docker info --format 'dockerd {{.ServerVersion}}, storage {{.Driver}}, runtimes {{json .Runtimes}}'
