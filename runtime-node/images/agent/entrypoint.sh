#!/bin/bash
# Entrypoint of the agent system container: start the inner dockerd (log in /var/log/dockerd.log), then run the
# container's command. On SIGTERM/SIGINT (docker stop), or when the command ends, stop the command and then dockerd,
# so that the cache volume at /var/lib/docker is left consistent well within docker stop's timeout.
set -u

dockerd_pid=
cmd_pid=

stop_all() {
  trap - TERM INT
  [ -n "$cmd_pid" ] && kill -TERM "$cmd_pid" 2>/dev/null
  if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
    kill -TERM "$dockerd_pid"
    # Bounded: docker stop's default timeout is 10 s, so force dockerd down after 8 s.
    for _ in $(seq 1 80); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$dockerd_pid" 2>/dev/null
  fi
  exit "$1"
}
trap 'stop_all 143' TERM INT

# A pid file left by an unclean stop would make dockerd refuse to start.
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
dockerd >>/var/log/dockerd.log 2>&1 &
dockerd_pid=$!

"$@" &
cmd_pid=$!
wait "$cmd_pid"
status=$?
cmd_pid=
stop_all "$status"
