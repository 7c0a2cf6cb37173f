#!/usr/bin/env bats
# check: the real host (this machine's Docker engine and kernel) plus hosts described by files in a temporary root,
# with recorded fakes for uname/dpkg/docker where a host property cannot be changed here.

load helpers

@test "check (real host): runs against this machine, changes nothing, JSON is well formed" {
  real_docker_or_skip
  before=$(md5sum /etc/docker/daemon.json 2>/dev/null || true)
  run --separate-stderr "$TOOL" check --json
  echo "$output"
  [ "$status" -le 1 ]
  jq -e '.command == "check" and (.checks | length) > 10' <<<"$output"
  [ "$(json_check kernel status)" = pass ] || [ "$(json_check kernel status)" = warn ]
  [ "$(json_check docker status)" = pass ]
  if [ "$(cat /proc/1/comm)" = systemd ]; then
    [ "$(json_check systemd status)" = pass ]
  else
    [ "$(json_check systemd status)" = fail ]
    [ "$status" -eq 1 ]
    jq -e '.ok == false and .exit_code == 1' <<<"$output"
  fi
  [ "$before" = "$(md5sum /etc/docker/daemon.json 2>/dev/null || true)" ]
}

@test "check (real host): human output marks each check with ✔/⚠/✘ and gives the fix" {
  real_docker_or_skip
  run env NO_COLOR=1 "$TOOL" check
  echo "$output"
  [[ $output == *"✔ kernel:"* ]]
  [[ $output == *"✔ docker: Docker Engine"* ]]
  if [ "$(cat /proc/1/comm)" != systemd ]; then
    [[ $output == *"✘ systemd: PID 1 is"* ]]
    [[ $output == *"    fix: run Sysbox hosts with systemd as init"* ]]
  fi
}

@test "check (fake host): supported Ubuntu 24.04 with everything present passes" {
  setup_fake_host
  ln -s "$FAKES/recorder" "$T/bin/fusermount3"
  run sn check
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"✔ distro: ubuntu 24.04 (supported)"* ]]
  [[ $output == *"✔ cgroup: cgroup v2"* ]]
  [ -z "$(mutations)" ]
}

@test "check (fake host): kernel 5.15 warns with the reason, 5.4 fails, 6.8 passes" {
  setup_fake_host
  echo 5.15.0-105-generic >"$FAKE_STATE/kernel"
  run --separate-stderr sn check --json
  [ "$(json_check kernel status)" = warn ]
  [[ $(json_check kernel message) == *"chowns rootfs and cache volumes"* ]]
  echo 5.4.0-150-generic >"$FAKE_STATE/kernel"
  run --separate-stderr sn check --json
  [ "$status" -eq 1 ]
  [ "$(json_check kernel status)" = fail ]
  [[ $(json_check kernel message) == *"too old for Sysbox without shiftfs"* ]]
  echo 6.8.0-31-generic >"$FAKE_STATE/kernel"
  run --separate-stderr sn check --json
  [ "$(json_check kernel status)" = pass ]
}

@test "check (fake host): systemd not PID 1, user namespaces off, snap Docker and missing tools fail with fixes" {
  setup_fake_host
  echo tini >"$T/root/proc/1/comm"
  echo 0 >"$T/root/proc/sys/user/max_user_namespaces"
  ln -s "$FAKES/recorder" "$T/bin/snap"
  touch "$FAKE_STATE/snap-docker"
  rm "$T/bin/rsync"
  run --separate-stderr sn check --json
  echo "$output"
  [ "$status" -eq 1 ]
  [ "$(json_check systemd status)" = fail ]
  [ "$(json_check userns status)" = fail ]
  [[ $(json_check userns fix) == *"user.max_user_namespaces"* ]]
  [ "$(json_check docker status)" = fail ]
  [[ $(json_check docker message) == *"snap"* ]]
  [ "$(json_check tool:rsync status)" = fail ]
  [ "$(json_check tool:rsync message)" = "rsync is not installed on host (Sysbox needs it)" ]
}

@test "check (fake host): /var/lib/sysbox on tmpfs fails, xfs warns" {
  setup_fake_host
  mkdir -p "$T/root/var/lib/sysbox" "$T/root/var/lib/docker"
  echo tmpfs >"$T/root/var/lib/sysbox/.fstype"
  echo xfs >"$T/root/var/lib/docker/.fstype"
  run --separate-stderr sn check --json
  [ "$(json_check fs:/var/lib/sysbox status)" = fail ]
  [ "$(json_check fs:/var/lib/docker status)" = warn ]
}

@test "check (fake host): Ubuntu AppArmor userns restriction and an enforced fusermount3 profile warn" {
  setup_fake_host
  printf 'ID=ubuntu\nVERSION_ID="25.04"\n' >"$T/root/etc/os-release"
  echo 1 >"$T/root/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
  mkdir -p "$T/root/sys/kernel/security/apparmor"
  printf 'fusermount3 (enforce)\nunconfined (unconfined)\n' >"$T/root/sys/kernel/security/apparmor/profiles"
  run --separate-stderr sn check --json
  [ "$(json_check apparmor-userns status)" = warn ]
  [ "$(json_check apparmor-fusermount3 status)" = warn ]
  [ "$(json_check apparmor-fusermount3 fix)" = "aa-complain /etc/apparmor.d/fusermount3" ]
  [ "$(json_check distro status)" = warn ]
}

@test "check (fake host): unsupported distro and architecture" {
  setup_fake_host
  printf 'ID=fedora\nVERSION_ID="40"\n' >"$T/root/etc/os-release"
  echo riscv64 >"$FAKE_STATE/arch"
  run --separate-stderr sn check --json
  [ "$status" -eq 1 ]
  [ "$(json_check distro status)" = fail ]
  [ "$(json_check arch status)" = fail ]
}

@test "check (fake host): malformed daemon.json fails; default-runtime sysbox-runc warns" {
  setup_fake_host
  mkdir -p "$T/root/etc/docker"
  printf '{"a":' >"$T/root/etc/docker/daemon.json"
  run --separate-stderr sn check --json
  [ "$(json_check daemon-json status)" = fail ]
  printf '{"default-runtime": "sysbox-runc"}' >"$T/root/etc/docker/daemon.json"
  run --separate-stderr sn check --json
  [ "$(json_check daemon-json status)" = warn ]
}

@test "check (fake host): Docker installed but stopped fails as fixable by install" {
  setup_fake_host
  touch "$FAKE_STATE/docker-down"
  run --separate-stderr sn check --json
  [ "$(json_check docker status)" = fail ]
  [[ $(json_check docker fix) == *"systemctl enable --now docker"* ]]
}

@test "check: unknown option exits 2" {
  run "$TOOL" check --frob
  [ "$status" -eq 2 ]
  run --separate-stderr "$TOOL" check --json --frob
  [ "$status" -eq 2 ]
}
