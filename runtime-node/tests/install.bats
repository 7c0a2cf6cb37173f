#!/usr/bin/env bats
# install: every action that cannot run here (apt-get, apt-mark, systemctl, curl, dpkg) goes to recorded fakes that log
# the exact commands; daemon.json, the download cache and the checksum are real files in a temporary root.

load helpers

setup() {
  setup_fake_host
  DEB=$T/sysbox-ce_0.7.1-0.linux_amd64.deb
  printf 'not really a deb, but real bytes\n' >"$DEB"
  DEB_SHA=$(sha256sum "$DEB" | awk '{print $1}')
}

@test "install (recorded fake): fresh host runs fuse3 first, restarts Docker, installs the .deb, holds it, in that order" {
  run sn install --deb "$DEB" --sha256 "$DEB_SHA" --no-validate
  echo "$output"
  [ "$status" -eq 0 ]
  expected="apt-get update
apt-get install -y fuse3
systemctl restart docker
apt-get install -y $DEB
apt-mark hold sysbox-ce
systemctl enable --now sysbox"
  diff <(mutations) <(printf '%s\n' "$expected")
}

@test "install (recorded fake): daemon.json is created pretty-printed with runtime, bip and pools, never default-runtime" {
  run sn install --deb "$DEB" --sha256 "$DEB_SHA" --no-validate
  [ "$status" -eq 0 ]
  jq -e '.runtimes["sysbox-runc"].path == "/usr/bin/sysbox-runc"' "$DJ"
  jq -e '.bip == "172.20.0.1/16"' "$DJ"
  jq -e '.["default-address-pools"] == [{"base": "172.25.0.0/16", "size": 24}]' "$DJ"
  jq -e 'has("default-runtime") | not' "$DJ"
  # pretty-printed: the Sysbox installer greps for indented "bip" and "default-address-pools" lines
  grep -Eq '^[ ]+"bip": "' "$DJ"
  grep -Eq '^[ ]+"default-address-pools"' "$DJ"
  jq -e '.version == "0.7.1" and .sha256 == "'"$DEB_SHA"'"' "$STATE/installed.json"
}

@test "install (recorded fake): re-running on an installed host changes nothing" {
  run sn install --deb "$DEB" --sha256 "$DEB_SHA" --no-validate
  [ "$status" -eq 0 ]
  touch "$FAKE_STATE/sysbox-active"
  cp -p "$DJ" "$T/dj.before"
  : >"$FAKE_LOG"
  run sn install --deb "$DEB" --sha256 "$DEB_SHA" --no-validate
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$(mutations)" ]
  cmp "$DJ" "$T/dj.before"
  [ "$(stat -c %Y "$DJ")" = "$(stat -c %Y "$T/dj.before")" ]
  [[ $output == *"sysbox-ce 0.7.1-0 already installed"* ]]
  [[ $output == *"already held"* ]]
}

@test "install (recorded fake): --dry-run shows every action and changes nothing" {
  run sn install --dry-run --no-validate
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$(mutations)" ]
  [ ! -e "$DJ" ]
  [ ! -e "$STATE" ]
  [[ $output == *"would run: env DEBIAN_FRONTEND=noninteractive apt-get install -y fuse3"* ]]
  [[ $output == *"would run: curl -fsSL --retry 3 -o"*"https://downloads.nestybox.com/sysbox/releases/v0.7.1/sysbox-ce_0.7.1-0.linux_amd64.deb"* ]]
  [[ $output == *"would: verify sha256 of sysbox-ce_0.7.1-0.linux_amd64.deb (expect 9d6d5484f980d0a17f86c492c1262015c2afb66280bdb97215b79fde6a0261c5)"* ]]
  [[ $output == *"would run: apt-mark hold sysbox-ce"* ]]
  [[ $output == *"(dry run: nothing was changed)"* ]]
}

@test "install (recorded fake): --dry-run --json lists the actions as dry-run" {
  run --separate-stderr sn install --dry-run --json --no-validate
  [ "$status" -eq 0 ]
  jq -e '.dry_run == true and .ok == true' <<<"$output"
  jq -e '[.actions[].status] | all(. == "dry-run")' <<<"$output"
  jq -e '[.actions[].command] | index("env DEBIAN_FRONTEND=noninteractive apt-get install -y fuse3") != null' <<<"$output"
}

@test "install: checksum mismatch with a real file refuses and installs nothing (pinned sha256 for 0.7.1 amd64)" {
  run sn install --deb "$DEB" --no-validate
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"Checksum mismatch: refusing to install sysbox-ce_0.7.1-0.linux_amd64.deb (expected 9d6d5484f980d0a17f86c492c1262015c2afb66280bdb97215b79fde6a0261c5, got $DEB_SHA)"* ]]
  refute_logged "^apt-get install -y $DEB\$"
  refute_logged '^apt-mark hold'
  [ -f "$DEB" ] # the operator's file is left alone
}

@test "install: checksum mismatch on a downloaded file (recorded fake curl) deletes the download" {
  printf 'tampered download\n' >"$FAKE_STATE/curl-content"
  run --separate-stderr sn install --json --no-validate
  [ "$status" -eq 1 ]
  [ "$(json_check checksum status)" = fail ]
  grep -q '^curl -fsSL --retry 3 -o .*sysbox-ce_0.7.1-0.linux_amd64.deb.part https://downloads.nestybox.com/sysbox/releases/v0.7.1/sysbox-ce_0.7.1-0.linux_amd64.deb$' "$FAKE_LOG"
  [ ! -e "$T/root/var/cache/sysbox-node/sysbox-ce_0.7.1-0.linux_amd64.deb" ]
  refute_logged '^apt-get install -y .*\.deb'
}

@test "install (recorded fake): a download that matches --sha256 is installed from the cache" {
  printf 'pretend package\n' >"$FAKE_STATE/curl-content"
  sha=$(sha256sum "$FAKE_STATE/curl-content" | awk '{print $1}')
  run sn install --sha256 "$sha" --no-validate
  echo "$output"
  [ "$status" -eq 0 ]
  grep -qx "apt-get install -y $T/root/var/cache/sysbox-node/sysbox-ce_0.7.1-0.linux_amd64.deb" "$FAKE_LOG"
}

@test "install: a version without a confirmed checksum is refused without --sha256 (exit 2)" {
  echo arm64 >"$FAKE_STATE/arch"
  run sn install --version 0.6.6 --deb "$DEB" --no-validate
  echo "$output"
  [ "$status" -eq 2 ]
  [[ $output == *"no confirmed sha256 for sysbox-ce 0.6.6 on arm64; pass --sha256"* ]]
  [ -z "$(mutations)" ]
}

@test "install (recorded fake): a version without a confirmed checksum installs with --sha256" {
  echo arm64 >"$FAKE_STATE/arch"
  echo 0.6.6-0 >"$FAKE_STATE/deb-version"
  run sn install --version 0.6.6 --deb "$DEB" --sha256 "$DEB_SHA" --no-validate
  [ "$status" -eq 0 ]
  grep -qx "apt-get install -y $DEB" "$FAKE_LOG"
}

@test "install: a version missing from the pinned table is refused without --sha256 (exit 2)" {
  run sn install --version 9.9.9 --no-validate
  [ "$status" -eq 2 ]
  [[ $output == *"not in the pinned table"* ]]
}

@test "install: usage errors exit 2" {
  run sn install --sha256 xyz
  [ "$status" -eq 2 ]
  run sn install --deb /nonexistent.deb
  [ "$status" -eq 2 ]
  run sn install --bogus
  [ "$status" -eq 2 ]
  run sn frobnicate
  [ "$status" -eq 2 ]
  run sn install --version
  [ "$status" -eq 2 ]
}

@test "install (recorded fake): refuses before any change when a check install cannot fix fails (no systemd)" {
  echo init >"$T/root/proc/1/comm"
  run --separate-stderr sn install --deb "$DEB" --sha256 "$DEB_SHA" --json --no-validate
  [ "$status" -eq 1 ]
  jq -e '.error | contains("cannot fix: systemd")' <<<"$output"
  [ -z "$(mutations)" ]
  [ ! -e "$DJ" ]
}

@test "install (recorded fake): malformed daemon.json aborts with nothing changed" {
  mkdir -p "$(dirname "$DJ")"
  printf '{"log-driver": "journald",\n' >"$DJ"
  cp "$DJ" "$T/dj.before"
  run sn install --deb "$DEB" --sha256 "$DEB_SHA" --no-validate
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"daemon.json is not a valid JSON object"* ]]
  cmp "$DJ" "$T/dj.before"
  [ -z "$(mutations)" ]
  [ ! -e "$STATE/backups" ]
}

@test "install (recorded fake): with containers running Docker is reloaded, not restarted, and the operator is told" {
  printf 'abc123\ndef456\n' >"$FAKE_STATE/docker-ps"
  run sn install --deb "$DEB" --sha256 "$DEB_SHA" --no-validate
  echo "$output"
  [ "$status" -eq 0 ]
  refute_logged '^systemctl restart docker'
  grep -qx 'systemctl reload docker' "$FAKE_LOG"
  [[ $output == *"Docker was not restarted: 2 container(s) running"* ]]
}

@test "install (recorded fake): Docker missing is installed from the distribution and started" {
  rm "$T/bin/docker" "$T/bin/dockerd" "$T/bin/apt-get"
  # a wrapper (not the symlink: writing through it would change the recorder) makes the binaries appear on install
  cat >"$T/bin/apt-get" <<EOS
#!/usr/bin/env bash
if [ "\$*" = "install -y docker.io" ]; then ln -sf "$FAKES/recorder" "$T/bin/docker"; ln -sf "$FAKES/recorder" "$T/bin/dockerd"; fi
FAKE_NAME=apt-get exec "$FAKES/recorder" "\$@"
EOS
  chmod +x "$T/bin/apt-get"
  run sn install --deb "$DEB" --sha256 "$DEB_SHA" --no-validate
  echo "$output"
  [ "$status" -eq 0 ]
  mutations | grep -qx 'apt-get install -y docker.io'
  mutations | grep -qx 'systemctl enable --now docker'
}

@test "install (recorded fake): a different installed version is refused with upgrade instructions" {
  echo 0.7.0-0 >"$FAKE_STATE/sysbox-installed"
  run sn install --deb "$DEB" --sha256 "$DEB_SHA" --no-validate
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"sysbox-ce 0.7.0-0 is installed, not 0.7.1"* ]]
  [[ $output == *"sysbox-node uninstall"* ]]
  refute_logged '^apt-get install -y .*\.deb'
}

@test "install (recorded fake): --dry-run without the final validate shows it would run" {
  run sn install --dry-run
  [ "$status" -eq 0 ]
  [[ $output == *"would: validate the installation (sysbox-node validate --image system-container-agent:latest)"* ]]
}

@test "versions: the pinned table has 0.7.1 as default and marks unknown checksums" {
  run "$TOOL" versions --json
  [ "$status" -eq 0 ]
  jq -e '.default == "0.7.1"' <<<"$output"
  jq -e '.pinned[] | select(.version == "0.7.1" and .arch == "amd64") | .sha256 == "9d6d5484f980d0a17f86c492c1262015c2afb66280bdb97215b79fde6a0261c5"' <<<"$output"
  jq -e '.pinned[] | select(.version == "0.7.1" and .arch == "arm64") | .sha256 == "04ca894ae0b53f0fa54eaacc173ce40363c9a95ea5450f773716a84ef650a69b"' <<<"$output"
  jq -e '[.pinned[] | select(.sha256 == "unknown")] | length >= 1' <<<"$output"
  jq -e '[.pinned[] | select(.sha256 != "unknown") | .sha256 | test("^[0-9a-f]{64}$")] | all' <<<"$output"
}
