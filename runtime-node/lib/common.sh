# sysbox-node: output, the JSON document, errors and exit codes, recorded actions, small helpers.
# shellcheck shell=bash

# ---------------------------------------------------------------------------------------------------------------------
# Output: results (checks) and actions are recorded, printed as they happen (human mode) and emitted once as JSON.

JSON=0
DRY_RUN=0
INSTALLING=0
COMMAND=
PHASE=
R_ID=() R_STATUS=() R_MSG=() R_FIX=() R_PHASE=() R_FIXABLE=()
A_DESC=() A_CMD=() A_STATUS=()
M_KEY=() M_VAL=()
NOTES=()

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  C_OK=$'\e[32m' C_WARN=$'\e[33m' C_FAIL=$'\e[31m' C_DIM=$'\e[2m' C_OFF=$'\e[0m'
else
  C_OK='' C_WARN='' C_FAIL='' C_DIM='' C_OFF=''
fi

say() { if [ "$JSON" = 0 ]; then printf '%s\n' "$*"; fi; }
err() { printf 'sysbox-node: %s\n' "$*" >&2; }

# result STATUS ID MESSAGE [FIX] [FIXABLE]; STATUS is pass|warn|fail|skip; FIXABLE=install marks what install repairs.
result() {
  local status=$1 id=$2 msg=$3 fix=${4:-} fixable=${5:-}
  # Under install, what install repairs itself is a warning, not a failure.
  if [ "$status" = fail ] && [ "$fixable" = install ] && [ "$INSTALLING" = 1 ]; then
    status=warn msg="$msg (install fixes this)"
  fi
  R_ID+=("$id") R_STATUS+=("$status") R_MSG+=("$msg") R_FIX+=("$fix") R_PHASE+=("$PHASE") R_FIXABLE+=("$fixable")
  local sym
  case $status in
    pass) sym="${C_OK}✔${C_OFF}" ;;
    warn) sym="${C_WARN}⚠${C_OFF}" ;;
    fail) sym="${C_FAIL}✘${C_OFF}" ;;
    *) sym="${C_DIM}-${C_OFF}" ;;
  esac
  say "$sym $id: $msg"
  if [ -n "$fix" ] && [ "$status" != pass ]; then say "    fix: $fix"; fi
}
pass() { result pass "$@"; }
warn() { result warn "$@"; }
fail() { result fail "$@"; }
skip() { result skip "$@"; }

metric() { M_KEY+=("$1") M_VAL+=("$2"); }
note() { NOTES+=("$1"); say "  note: $1"; }

json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/}
  s=$(printf '%s' "$s" | LC_ALL=C tr -d '\000-\010\013\014\016-\037')
  printf '"%s"' "$s"
}

count_status() {
  local want=$1 n=0 s
  for s in ${R_STATUS[@]+"${R_STATUS[@]}"}; do [ "$s" = "$want" ] && n=$((n + 1)); done
  printf '%s' "$n"
}

emit_json() {
  local code=$1 error=${2:-} i sep ok=false
  [ "$code" = 0 ] && ok=true
  printf '{"tool":"sysbox-node","tool_version":%s,"command":%s,"dry_run":%s,"ok":%s,"exit_code":%s' \
    "$(json_str "$TOOL_VERSION")" "$(json_str "$COMMAND")" "$([ "$DRY_RUN" = 1 ] && echo true || echo false)" "$ok" "$code"
  [ -n "$error" ] && printf ',"error":%s' "$(json_str "$error")"
  printf ',"summary":{"pass":%s,"warn":%s,"fail":%s,"skip":%s}' \
    "$(count_status pass)" "$(count_status warn)" "$(count_status fail)" "$(count_status skip)"
  printf ',"checks":['
  sep=
  for i in "${!R_ID[@]}"; do
    printf '%s{"id":%s,"phase":%s,"status":%s,"message":%s,"fix":%s}' "$sep" "$(json_str "${R_ID[$i]}")" \
      "$(json_str "${R_PHASE[$i]}")" "$(json_str "${R_STATUS[$i]}")" "$(json_str "${R_MSG[$i]}")" \
      "$(json_str "${R_FIX[$i]}")"
    sep=,
  done
  printf '],"actions":['
  sep=
  for i in "${!A_DESC[@]}"; do
    printf '%s{"description":%s,"command":%s,"status":%s}' "$sep" "$(json_str "${A_DESC[$i]}")" \
      "$(json_str "${A_CMD[$i]}")" "$(json_str "${A_STATUS[$i]}")"
    sep=,
  done
  printf '],"metrics":{'
  sep=
  for i in "${!M_KEY[@]}"; do
    if [[ ${M_VAL[$i]} =~ ^[0-9]+$ ]]; then
      printf '%s%s:%s' "$sep" "$(json_str "${M_KEY[$i]}")" "${M_VAL[$i]}"
    else
      printf '%s%s:%s' "$sep" "$(json_str "${M_KEY[$i]}")" "$(json_str "${M_VAL[$i]}")"
    fi
    sep=,
  done
  printf '},"notes":['
  sep=
  for i in "${!NOTES[@]}"; do printf '%s%s' "$sep" "$(json_str "${NOTES[$i]}")"; sep=,; done
  printf ']}\n'
}

# finish: exit 1 if any check failed, else 0.
finish() {
  local code=0
  [ "$(count_status fail)" -gt 0 ] && code=1
  if [ "$JSON" = 1 ]; then
    emit_json "$code"
  else
    say ""
    say "$COMMAND: $(count_status pass) passed, $(count_status warn) warnings, $(count_status fail) failed$([ "$DRY_RUN" = 1 ] && echo ' (dry run: nothing was changed)')"
    local i failed=()
    for i in "${!R_ID[@]}"; do [ "${R_STATUS[$i]}" = fail ] && failed+=("${R_ID[$i]}"); done
    [ ${#failed[@]} -eq 0 ] || say "failed checks: ${failed[*]}"
    for i in "${!R_ID[@]}"; do
      if [ "${R_ID[$i]}" = isolation ] && [ "${R_STATUS[$i]}" = fail ]; then say "verdict: ${R_MSG[$i]}"; fi
    done
  fi
  exit "$code"
}

# die_env / die_usage: exit 2 (usage or environment error).
die2() {
  err "$1"
  [ -n "${2:-}" ] && printf '%s\n' "$2" >&2
  [ "$JSON" = 1 ] && emit_json 2 "$1"
  exit 2
}
die_usage() { die2 "$1" "Run 'sysbox-node help' for usage."; }
die_env() { die2 "$1"; }

# abort_failed MESSAGE: stop with exit 1 after a failed check.
abort_failed() {
  err "$1"
  if [ "$JSON" = 1 ]; then emit_json 1 "$1"; else say ""; say "$COMMAND: stopped: $1"; fi
  exit 1
}

show_cmd() {
  local out='' a
  for a in "$@"; do out+="$(printf '%q' "$a") "; done
  printf '%s' "${out% }"
}

# act DESCRIPTION CMD...: run a state-changing command, or only show it under --dry-run. Returns the command's status.
act() {
  local desc=$1
  shift
  local shown
  shown=$(show_cmd "$@")
  A_DESC+=("$desc") A_CMD+=("$shown")
  if [ "$DRY_RUN" = 1 ]; then
    A_STATUS+=(dry-run)
    say "  would run: $shown    ($desc)"
    return 0
  fi
  say "  → $desc: $shown"
  local rc=0
  if [ "$JSON" = 1 ]; then "$@" >&2 || rc=$?; else "$@" || rc=$?; fi
  if [ "$rc" = 0 ]; then A_STATUS+=("done"); else A_STATUS+=("failed ($rc)"); fi
  return "$rc"
}

# record an action that is done in-process (file edits), honouring --dry-run through the caller.
act_note() {
  A_DESC+=("$1") A_CMD+=("$2")
  if [ "$DRY_RUN" = 1 ]; then A_STATUS+=(dry-run); else A_STATUS+=("done"); fi
  if [ "$DRY_RUN" = 1 ]; then say "  would: $1 ($2)"; else say "  → $1 ($2)"; fi
}

have() { command -v "$1" >/dev/null 2>&1; }
now_ms() { date +%s%3N; }
