# sysbox-node: merge and revert of Docker's daemon.json, and making dockerd pick up the change.
# shellcheck shell=bash

# ---------------------------------------------------------------------------------------------------------------------
# daemon.json merge and revert (jq). State of what we changed lives in $STATE_DIR/daemon-json-changes.json.

DJ_CHANGED=0
DJ_RESTART_NEEDED=0

pretty_json() { jq --indent 2 . ; }

# write_daemon_json CONTENT: back up the current file, then replace it atomically (mode 0644).
write_daemon_json() {
  local content=$1 dir ts backup=
  dir=$(dirname "$DAEMON_JSON")
  ts=$(date -u +%Y%m%dT%H%M%SZ)-$$
  mkdir -p "$dir" "$STATE_DIR/backups"
  if [ -e "$DAEMON_JSON" ]; then
    backup=$STATE_DIR/backups/daemon.json.$ts
    cp -p "$DAEMON_JSON" "$backup"
    [ -e "$STATE_DIR/daemon.json.orig" ] || [ -e "$STATE_DIR/daemon.json.orig-absent" ] || cp -p "$DAEMON_JSON" "$STATE_DIR/daemon.json.orig"
  else
    [ -e "$STATE_DIR/daemon.json.orig" ] || touch "$STATE_DIR/daemon.json.orig-absent"
  fi
  local tmp
  tmp=$(mktemp "$dir/.daemon.json.XXXXXX")
  printf '%s\n' "$content" >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$DAEMON_JSON"
  LAST_BACKUP=$backup
}

# merge_daemon_json ADD_NETWORK(0|1) BIP POOL: add what Sysbox needs, keep every other key, never set default-runtime.
merge_daemon_json() {
  local add_net=$1 bip=$2 pool=$3 cur state_file=$STATE_DIR/daemon-json-changes.json
  DJ_CHANGED=0 DJ_RESTART_NEEDED=0 LAST_BACKUP=
  if [ -e "$DAEMON_JSON" ]; then
    local e
    if ! e=$(jq -e 'type == "object"' "$DAEMON_JSON" 2>&1 >/dev/null); then
      fail daemon-json "${DAEMON_JSON#"$ROOT"} is not a valid JSON object${e:+ ($e)}; nothing was changed" \
        "fix the file (jq . ${DAEMON_JSON#"$ROOT"} shows where), then re-run"
      return 1
    fi
    cur=$(cat "$DAEMON_JSON")
  else
    cur='{}'
  fi
  local state='{}'
  if [ -s "$state_file" ]; then state=$(cat "$state_file"); fi
  local new added
  # For each key we set, remember the value it had before the first time we changed it (null = absent).
  new=$(jq -c --arg path "$SYSBOX_RUNC_PATH" --arg bip "$bip" --arg pool "$pool" --argjson net "$add_net" \
    --argjson state "$state" '
    . as $orig
    | {doc: ., state: $state, added: []}
    | if ($orig.runtimes["sysbox-runc"].path // null) != $path then
        .doc.runtimes = (($orig.runtimes // {}) + {"sysbox-runc": {path: $path}})
        | .added += ["runtimes.sysbox-runc"]
        | if ($state["runtimes.sysbox-runc"] == null) then
            .state["runtimes.sysbox-runc"] = {previous: ($orig.runtimes["sysbox-runc"] // null),
                                              runtimes_absent: ($orig | has("runtimes") | not),
                                              value: {path: $path}}
          else . end
      else . end
    | if $net == 1 and ($orig | has("bip") | not) then
        .doc.bip = $bip | .added += ["bip"]
        | if ($state.bip == null) then .state.bip = {previous: null, value: $bip} else . end
      else . end
    | if $net == 1 and ($orig | has("default-address-pools") | not) then
        .doc["default-address-pools"] = [{base: $pool, size: 24}] | .added += ["default-address-pools"]
        | if ($state["default-address-pools"] == null) then
            .state["default-address-pools"] = {previous: null, value: [{base: $pool, size: 24}]}
          else . end
      else . end' <<<"$cur") || { fail daemon-json "jq failed to merge ${DAEMON_JSON#"$ROOT"}; nothing was changed"; return 1; }
  added=$(jq -r '.added | join(", ")' <<<"$new")
  local doc newstate pretty
  doc=$(jq '.doc' <<<"$new")
  newstate=$(jq '.state' <<<"$new")
  pretty=$(pretty_json <<<"$doc")
  if [ -e "$DAEMON_JSON" ] && [ "$(cat "$DAEMON_JSON")" = "$pretty" ]; then
    pass daemon-json "${DAEMON_JSON#"$ROOT"} already has what Sysbox needs (unchanged)"
    return 0
  fi
  case $added in *bip* | *default-address-pools*) DJ_RESTART_NEEDED=1 ;; esac
  local what=${added:-nothing added; pretty-printed for the Sysbox installer}
  if [ "$DRY_RUN" = 1 ]; then
    act_note "merge ${DAEMON_JSON#"$ROOT"}: $what" "backup, then write pretty-printed JSON"
    if [ "$JSON" = 0 ]; then
      say "    resulting ${DAEMON_JSON#"$ROOT"}:"
      printf '%s\n' "$pretty" | sed 's/^/      /'
    fi
    DJ_CHANGED=1
    return 0
  fi
  write_daemon_json "$pretty"
  mkdir -p "$STATE_DIR"
  printf '%s\n' "$newstate" >"$STATE_DIR/daemon-json-changes.json.tmp"
  mv -f "$STATE_DIR/daemon-json-changes.json.tmp" "$state_file"
  act_note "merged ${DAEMON_JSON#"$ROOT"}: $what" "backup: ${LAST_BACKUP:-none (file was absent)}"
  pass daemon-json "${DAEMON_JSON#"$ROOT"} updated ($what)"
  DJ_CHANGED=1
  return 0
}

# revert_daemon_json: undo the keys recorded in the state file; keys changed since by someone else are left alone.
revert_daemon_json() {
  local state_file=$STATE_DIR/daemon-json-changes.json
  DJ_CHANGED=0 DJ_RESTART_NEEDED=0 LAST_BACKUP=
  if [ ! -s "$state_file" ]; then
    pass daemon-json "no daemon.json changes recorded by sysbox-node"
    return 0
  fi
  if [ ! -e "$DAEMON_JSON" ]; then
    pass daemon-json "${DAEMON_JSON#"$ROOT"} is gone; nothing to revert"
    [ "$DRY_RUN" = 1 ] || rm -f "$state_file"
    return 0
  fi
  local e
  if ! e=$(jq -e 'type == "object"' "$DAEMON_JSON" 2>&1 >/dev/null); then
    fail daemon-json "${DAEMON_JSON#"$ROOT"} is not a valid JSON object${e:+ ($e)}; nothing was changed" \
      "fix the file, then re-run uninstall"
    return 1
  fi
  local out
  out=$(jq -c --argjson s "$(cat "$state_file")" '
    {doc: ., reverted: [], kept: []}
    | if $s["runtimes.sysbox-runc"] != null then
        if .doc.runtimes["sysbox-runc"] == $s["runtimes.sysbox-runc"].value then
          (if $s["runtimes.sysbox-runc"].previous == null
             then .doc.runtimes |= del(.["sysbox-runc"])
             else .doc.runtimes["sysbox-runc"] = $s["runtimes.sysbox-runc"].previous end)
          | (if $s["runtimes.sysbox-runc"].runtimes_absent and (.doc.runtimes == {}) then .doc |= del(.runtimes) else . end)
          | .reverted += ["runtimes.sysbox-runc"]
        elif (.doc.runtimes["sysbox-runc"] // null) == null then
          # already gone (apt-get purge sysbox-ce removes it); drop a runtimes object left empty
          if $s["runtimes.sysbox-runc"].runtimes_absent and (.doc.runtimes == {}) then .doc |= del(.runtimes) | .reverted += ["runtimes"]
          else . end
        else .kept += ["runtimes.sysbox-runc"] end
      else . end
    | reduce ("bip", "default-address-pools") as $k (.;
        if $s[$k] != null then
          if .doc[$k] == $s[$k].value then .doc |= del(.[$k]) | .reverted += [$k]
          elif (.doc | has($k) | not) then .
          else .kept += [$k] end
        else . end)' "$DAEMON_JSON") || { fail daemon-json "jq failed to revert ${DAEMON_JSON#"$ROOT"}; nothing was changed"; return 1; }
  local reverted kept doc pretty
  reverted=$(jq -r '.reverted | join(", ")' <<<"$out")
  kept=$(jq -r '.kept | join(", ")' <<<"$out")
  doc=$(jq '.doc' <<<"$out")
  pretty=$(pretty_json <<<"$doc")
  case $reverted in *bip* | *default-address-pools*) DJ_RESTART_NEEDED=1 ;; esac
  [ -n "$kept" ] && warn daemon-json-kept "left $kept in place: changed by someone else since sysbox-node set it" "edit ${DAEMON_JSON#"$ROOT"} by hand if it should go"
  local remove_file=0
  if [ -e "$STATE_DIR/daemon.json.orig-absent" ] && [ "$(jq -c . <<<"$doc")" = '{}' ]; then remove_file=1; fi
  if [ -z "$reverted" ] && [ "$remove_file" = 0 ]; then
    pass daemon-json "nothing of ours left in ${DAEMON_JSON#"$ROOT"}"
    [ "$DRY_RUN" = 1 ] || rm -f "$state_file"
    return 0
  fi
  local what="removed ${reverted:-nothing}"
  if [ "$remove_file" = 1 ]; then what+="; file did not exist before install, removing it"; fi
  if [ "$DRY_RUN" = 1 ]; then
    act_note "revert ${DAEMON_JSON#"$ROOT"}: $what" "backup, then write"
    DJ_CHANGED=1
    return 0
  fi
  if [ "$remove_file" = 1 ]; then
    mkdir -p "$STATE_DIR/backups"
    LAST_BACKUP=$STATE_DIR/backups/daemon.json.$(date -u +%Y%m%dT%H%M%SZ)-$$
    cp -p "$DAEMON_JSON" "$LAST_BACKUP"
    rm -f "$DAEMON_JSON"
  else
    write_daemon_json "$pretty"
  fi
  rm -f "$state_file"
  act_note "reverted ${DAEMON_JSON#"$ROOT"}: $what" "backup: $LAST_BACKUP"
  pass daemon-json "${DAEMON_JSON#"$ROOT"} reverted ($what)"
  DJ_CHANGED=1
}

# apply_docker_config: make dockerd pick up daemon.json changes without killing running containers.
apply_docker_config() {
  [ "$DJ_CHANGED" = 1 ] || return 0
  if [ "$DRY_RUN" = 0 ] && ! docker_up; then
    note "Docker is not running; it reads ${DAEMON_JSON#"$ROOT"} when it starts"
    return 0
  fi
  local running=0
  if docker_up; then running=$(docker ps -q 2>/dev/null | wc -l | tr -d ' '); fi
  if [ "$DJ_RESTART_NEEDED" = 1 ] && [ "$running" = 0 ]; then
    act "restart Docker (bip/default-address-pools changed, no containers running)" systemctl restart docker ||
      fail docker-restart "systemctl restart docker failed" "journalctl -u docker -n 50"
  else
    act "reload Docker (runtimes are re-read on SIGHUP)" systemctl reload docker ||
      fail docker-reload "systemctl reload docker failed" "journalctl -u docker -n 50"
    if [ "$DJ_RESTART_NEEDED" = 1 ]; then
      warn docker-restart "Docker was not restarted: $running container(s) running; bip/default-address-pools apply after a restart" \
        "stop the containers, then: systemctl restart docker && sysbox-node validate"
    fi
  fi
}
