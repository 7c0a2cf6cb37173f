# sysbox-node: tool version, defaults, Docker labels and host paths (redirected by the SYSBOX_NODE_* variables).
# shellcheck shell=bash
# shellcheck disable=SC2034 # these settings are read by the other lib/*.sh files

TOOL_VERSION=1.0.0
DEFAULT_IMAGE=system-container-agent:latest
SYSBOX_RUNC_PATH=/usr/bin/sysbox-runc
DEFAULT_RUNTIME=sysbox-runc
DEFAULT_BIP=172.20.0.1/16
DEFAULT_POOL=172.25.0.0/16
VALIDATE_LABEL=io.jenkins.syscontainer.validate-run
CACHE_LABEL_PREFIX=io.jenkins.syscontainer.

ROOT=${SYSBOX_NODE_ROOT:-}
DAEMON_JSON=${SYSBOX_NODE_DOCKER_DAEMON_JSON:-$ROOT/etc/docker/daemon.json}
STATE_DIR=${SYSBOX_NODE_STATE_DIR:-$ROOT/var/lib/sysbox-node}
CACHE_DIR=${SYSBOX_NODE_CACHE_DIR:-$ROOT/var/cache/sysbox-node}
SYSBOX_DATA_DIR=${SYSBOX_NODE_SYSBOX_DATA_DIR:-$ROOT/var/lib/sysbox}
DOCKER_DATA_DIR=${SYSBOX_NODE_DOCKER_DATA_DIR:-$ROOT/var/lib/docker}
# Where sysbox-mgr logs when it does not run under systemd (read for the idmap check when there is no journal).
SYSBOX_MGR_LOG=$ROOT/var/log/sysbox-mgr.log
BASE_URL=${SYSBOX_NODE_BASE_URL:-https://downloads.nestybox.com/sysbox/releases}
