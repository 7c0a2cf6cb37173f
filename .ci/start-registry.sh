#!/usr/bin/env bash
# A local Docker registry for the image-pull tests (ImagePullDockerTest): Debian's docker-registry (the CNCF
# distribution registry) on 127.0.0.1:5055 with basic authentication (user sca-test, test-only password in
# .ci/registry/htpasswd, bcrypt), holding the agent image as 127.0.0.1:5055/sca/agent:latest. Docker treats
# 127.0.0.0/8 registries as insecure (plain HTTP) by default. The local tag is removed after the push and the CLI
# logged out again, so the tests' pulls work only with the credentials the engine sends.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
addr=127.0.0.1:5055
user=sca-test
password=sca-test-registry-password
image=$addr/sca/agent:latest
command -v docker-registry >/dev/null || { echo "docker-registry is not installed (apt-get install docker-registry)" >&2; exit 1; }

if ! curl -sS "http://$addr/v2/" 2>/dev/null | grep -q UNAUTHORIZED; then
  state=${SCA_REGISTRY_DIR:-/var/lib/sca-test-registry}
  mkdir -p "$state"
  cat > "$state/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state/data
http:
  addr: $addr
auth:
  htpasswd:
    realm: sca-test
    path: $top/.ci/registry/htpasswd
YAML
  nohup docker-registry serve "$state/config.yml" > "$state/registry.log" 2>&1 &
  for _ in $(seq 50); do
    curl -sS "http://$addr/v2/" 2>/dev/null | grep -q UNAUTHORIZED && break
    sleep 0.2
  done
  curl -sS "http://$addr/v2/" | grep -q UNAUTHORIZED || { echo "registry did not start:" >&2; cat "$state/registry.log" >&2; exit 1; }
fi

t0=$(date +%s)
echo "$password" | docker login -u "$user" --password-stdin "$addr" >/dev/null 2>&1
docker tag system-container-agent:latest "$image"
docker push -q "$image" >/dev/null
docker rmi "$image" >/dev/null
docker logout "$addr" >/dev/null
echo "registry $addr: $image pushed in $(( $(date +%s) - t0 )) s (basic auth user $user)"
