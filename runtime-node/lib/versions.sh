# sysbox-node: the pinned sysbox-ce releases, their sha256, checksum verification and the versions command.
# shellcheck shell=bash

# The release install uses and validate expects unless told otherwise.
DEFAULT_SYSBOX_VERSION=0.7.1

# ---------------------------------------------------------------------------------------------------------------------
# Pinned sysbox-ce releases. One line per version and architecture: version arch sha256 source.
# "unknown" means no published checksum could be confirmed: install refuses that entry unless --sha256 is given.
# Sources: "nestybox-doc" = docs/user-guide/install-package.md in nestybox/sysbox at that release;
# "third-party-pins" = the same value pinned independently by several public install scripts (the release page's own
# checksum block was not readable when the table was made; compare with it before relying on the entry).
# The file is served as sysbox-ce_<v>-0.linux_<arch>.deb (downloads.nestybox.com) and sysbox-ce_<v>.linux_<arch>.deb
# (GitHub release assets); both names carry the same bytes.
pinned_table() {
  cat <<'EOF'
0.7.1 amd64 9d6d5484f980d0a17f86c492c1262015c2afb66280bdb97215b79fde6a0261c5 third-party-pins
0.7.1 arm64 04ca894ae0b53f0fa54eaacc173ce40363c9a95ea5450f773716a84ef650a69b third-party-pins
0.7.0 amd64 eeff273671467b8fa351ab3d40709759462dc03d9f7b50a1b207b37982ce40a9 nestybox-doc
0.7.0 arm64 eae9c0e91ddd39bd1826d6a7a313a73d42a8449ef5113e9d6d118b559cb809ba third-party-pins
0.6.7 amd64 b7ac389e5a19592cadf16e0ca30e40919516128f6e1b7f99e1cb4ff64554172e nestybox-doc
0.6.7 arm64 16d80123ba53058cf90f5a68686e297621ea97942602682e34b3352783908f91 third-party-pins
0.6.6 amd64 87cfa5cad97dc5dc1a243d6d88be1393be75b93a517dc1580ecd8a2801c2777a nestybox-doc
0.6.6 arm64 unknown -
EOF
}

# ---------------------------------------------------------------------------------------------------------------------
# Checksum of the package file

pinned_sha() { # VERSION ARCH -> sha256 | unknown | (empty: not in table)
  pinned_table | awk -v v="$1" -v a="$2" '$1 == v && $2 == a { print $3 }'
}

# verify_sha256 FILE EXPECTED: record the package-integrity check; return 1 on mismatch.
verify_sha256() {
  local file=$1 expected=$2 got
  got=$(sha256sum "$file" | awk '{print $1}')
  if [ "$got" = "$expected" ]; then
    pass checksum "sha256 of $(basename "$file") matches $expected"
  else
    fail checksum "Checksum mismatch: refusing to install $(basename "$file") (expected $expected, got $got)" \
      "download the file again from the release page; if the release really changed, pass --sha256 with the published value"
    return 1
  fi
}

# ---------------------------------------------------------------------------------------------------------------------
# versions

cmd_versions() {
  while [ $# -gt 0 ]; do
    case $1 in
      --json) JSON=1 ;;
      *) die_usage "versions: unknown option '$1'" ;;
    esac
    shift
  done
  if [ "$JSON" = 1 ]; then
    pinned_table | awk -v d="$DEFAULT_SYSBOX_VERSION" 'BEGIN { printf "{\"default\":\"%s\",\"pinned\":[", d; s = "" }
      { printf "%s{\"version\":\"%s\",\"arch\":\"%s\",\"sha256\":\"%s\",\"source\":\"%s\"}", s, $1, $2, $3, $4; s = "," }
      END { print "]}" }'
  else
    printf 'sysbox-ce pinned releases (default %s)\n' "$DEFAULT_SYSBOX_VERSION"
    pinned_table | awk '{ printf "  %-6s %-6s %-64s %s\n", $1, $2, $3, $4 }'
  fi
}
