#!/usr/bin/env bats
# uninstall: apt-get, apt-mark, systemctl, userdel and docker are recorded fakes; daemon.json and the state directory are
# real files in a temporary root.

load helpers

setup() {
  setup_fake_host
  ln -s "$FAKES/recorder" "$T/bin/fusermount3"
  DEB=$T/sysbox.deb
  echo pkg >"$DEB"
  mkdir -p "$(dirname "$DJ")"
  printf '{\n  "log-driver": "journald"\n}\n' >"$DJ"
  cp "$DJ" "$T/dj.orig"
  sn install --deb "$DEB" --sha256 "$(sha256sum "$DEB" | awk '{print $1}')" --no-validate >/dev/null
  touch "$FAKE_STATE/sysbox-user"
  : >"$FAKE_LOG"
}

@test "uninstall (recorded fake): unholds, purges, removes the sysbox user, reverts daemon.json, restarts Docker" {
  run sn uninstall
  echo "$output"
  [ "$status" -eq 0 ]
  expected="apt-mark unhold sysbox-ce
apt-get purge -y sysbox-ce
userdel sysbox
systemctl restart docker"
  diff <(mutations) <(printf '%s\n' "$expected")
  [ "$(jq -c . "$DJ")" = '{"log-driver":"journald"}' ]
  [ ! -e "$STATE/installed.json" ]
  [[ $output == *"agent cache volumes and /var/lib/sysbox kept"* ]]
}

@test "uninstall (recorded fake): re-running is safe and changes nothing" {
  sn uninstall >/dev/null
  rm -f "$FAKE_STATE/sysbox-user"
  cp -p "$DJ" "$T/after"
  : >"$FAKE_LOG"
  run sn uninstall
  [ "$status" -eq 0 ]
  [ -z "$(mutations)" ]
  cmp "$DJ" "$T/after"
}

@test "uninstall (recorded fake): --dry-run shows the actions and changes nothing" {
  cp -p "$DJ" "$T/before"
  run sn uninstall --dry-run --purge-caches
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$(mutations)" ]
  cmp "$DJ" "$T/before"
  [ -e "$STATE/installed.json" ]
  [[ $output == *"would run: env DEBIAN_FRONTEND=noninteractive apt-get purge -y sysbox-ce"* ]]
  [[ $output == *"would: revert /etc/docker/daemon.json: removed runtimes.sysbox-runc, bip, default-address-pools"* ]]
}

@test "uninstall (recorded fake): refused while containers run under sysbox-runc" {
  printf 'c0ffee\n' >"$FAKE_STATE/docker-ps"
  cp -p "$DJ" "$T/before"
  run --separate-stderr sn uninstall --json
  [ "$status" -eq 1 ]
  [ "$(json_check sysbox-containers status)" = fail ]
  [[ $(json_check sysbox-containers fix) == *"docker stop c0ffee"* ]]
  [ -z "$(mutations)" ]
  cmp "$DJ" "$T/before"
}

@test "uninstall (recorded fake): --purge-caches removes only volumes labelled io.jenkins.syscontainer.* and /var/lib/sysbox" {
  mkdir -p "$T/root/var/lib/sysbox/docker"
  cat >"$FAKE_STATE/docker-volumes" <<'V'
agent-cache-1 io.jenkins.syscontainer.cache-volume=agent-cache-1,io.jenkins.syscontainer.controller=abc
unrelated-db com.example.app=db
plain
V
  run sn uninstall --purge-caches
  echo "$output"
  [ "$status" -eq 0 ]
  mutations | grep -qx 'docker volume rm agent-cache-1'
  refute_logged 'unrelated-db'
  refute_logged '^docker volume rm plain$'
  [ ! -e "$T/root/var/lib/sysbox" ]
}

@test "uninstall: unknown options exit 2" {
  run sn uninstall --frob
  [ "$status" -eq 2 ]
}
