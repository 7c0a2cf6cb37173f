#!/usr/bin/env bash
# Starts a local dockerd for the tests with two runtimes:
#   sysbox-runc          the REAL Sysbox CE 0.7.0 from ../shared/sysbox (built from source for these test machines;
#                        see its README), started with its start.sh (sysbox-mgr and sysbox-fs, no systemd here);
#   ci-standin-runc      the CI stand-in (.ci/sysbox-runc-standin): runc with a loosened bundle and NO isolation.
#                        Only the tests whose point is that a non-Sysbox runtime is detected and refused use it.
# If ../shared/sysbox is missing the stand-in is registered as sysbox-runc too, with a loud warning; with
# SCA_REQUIRE_SYSBOX=1 (CI sets it) that is a failure instead.
# Idempotent: an engine that already has both runtimes is reused.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sysbox_dir=${SCA_SYSBOX_DIR:-$here/../../shared/sysbox}
standin=/usr/local/libexec/ci-sysbox-runc-standin
install -D -m 0755 "$here/sysbox-runc-standin" "$standin"

if [ -x "$sysbox_dir/start.sh" ]; then
  sysbox_runc=$("$sysbox_dir/start.sh" | tail -n 1)
  echo "real Sysbox started: sysbox-mgr and sysbox-fs running, sysbox-runc at $sysbox_runc"
else
  echo "##################################################################################################" >&2
  echo "WARNING: $sysbox_dir not found: REAL SYSBOX IS NOT AVAILABLE." >&2
  echo "The CI stand-in (no isolation) is registered as sysbox-runc; isolation tests will fail or skip." >&2
  echo "##################################################################################################" >&2
  [ "${SCA_REQUIRE_SYSBOX:-0}" = 1 ] && { echo "FAIL: SCA_REQUIRE_SYSBOX=1 and real Sysbox is missing" >&2; exit 1; }
  sysbox_runc=$standin
fi

if docker info >/dev/null 2>&1; then
  rt=$(docker info --format '{{json .Runtimes}}')
  if echo "$rt" | jq -e --arg p "$sysbox_runc" '.["sysbox-runc"].path == $p and has("ci-standin-runc")' >/dev/null; then
    echo "dockerd already running with runtimes sysbox-runc and ci-standin-runc"; exit 0
  fi
  echo "a dockerd is running without the expected runtimes ($rt); stop it first" >&2; exit 1
fi

mkdir -p /etc/docker
[ -f /etc/docker/daemon.json ] && jq -e . /etc/docker/daemon.json >/dev/null 2>&1 || echo '{}' > /etc/docker/daemon.json
jq --arg s "$sysbox_runc" --arg c "$standin" \
   '.runtimes["sysbox-runc"] = {path: $s} | .runtimes["ci-standin-runc"] = {path: $c}' \
   /etc/docker/daemon.json > /etc/docker/daemon.json.new
mv /etc/docker/daemon.json.new /etc/docker/daemon.json

nohup dockerd >/var/log/ci-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && break
  sleep 0.5
done
docker info >/dev/null 2>&1 || { echo "dockerd did not start; log tail:" >&2; tail -n 30 /var/log/ci-dockerd.log >&2; exit 1; }
docker info --format 'dockerd {{.ServerVersion}}, storage {{.Driver}}, runtimes {{json .Runtimes}}'
