#!/usr/bin/env bash
# Installs what the portal needs on Debian 12: PostgreSQL 15, pgvector (built from the
# Debian source package, since bookworm does not ship it) and, with --browser, Chromium.
# Idempotent: each step checks first, so a second run costs a second or two.
set -euo pipefail

want_browser=0
[[ "${1:-}" == "--browser" ]] && want_browser=1

log() { echo "[portal] $*"; }
need_root() { [[ $(id -u) -eq 0 ]] || { echo "[portal] installing system packages needs root (or install them yourself: see DEVELOPERS.md)" >&2; exit 1; }; }

apt_updated=0
apt_install() {
  need_root
  if [[ $apt_updated -eq 0 ]]; then
    log "apt-get update"; DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bin=/usr/lib/postgresql/15/bin
if [[ ! -x $pg_bin/postgres || ! -f /usr/include/postgresql/15/server/postgres.h ]] || ! command -v make >/dev/null || ! command -v gcc >/dev/null; then
  apt_install postgresql-15 postgresql-client-15 postgresql-server-dev-15 build-essential ca-certificates
  # The Debian package starts a system cluster on 5432; we run our own project-local cluster instead.
  (systemctl disable --now postgresql >/dev/null 2>&1 || service postgresql stop >/dev/null 2>&1 || true)
fi

ext_dir=$($pg_bin/pg_config --sharedir)/extension
if [[ ! -f $ext_dir/vector.control ]]; then
  need_root
  log "building pgvector from the Debian (trixie) source package"
  work=$(mktemp -d); chmod 755 "$work"
  mkdir -p "$work/apt/lists/partial" "$work/apt/sources.list.d"
  echo "deb-src http://deb.debian.org/debian trixie main" > "$work/apt/sources.list"
  apt_opts=(-o Dir::Etc::SourceList="$work/apt/sources.list" -o Dir::Etc::SourceParts="$work/apt/sources.list.d" -o Dir::State::Lists="$work/apt/lists")
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && apt-get "${apt_opts[@]}" source --download-only pgvector >/dev/null 2>&1 || apt-get "${apt_opts[@]}" source pgvector >/dev/null)
  src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -1)
  if [[ -z "$src" ]]; then
    (cd "$work" && dpkg-source -x --no-check ./*.dsc >/dev/null)
    src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -1)
  fi
  make -s -C "$src" PG_CONFIG=$pg_bin/pg_config >/dev/null
  make -s -C "$src" PG_CONFIG=$pg_bin/pg_config install >/dev/null
  rm -rf "$work"
  log "pgvector installed: $(grep default_version $ext_dir/vector.control)"
fi

if [[ $want_browser -eq 1 ]] && [[ ! -x /usr/bin/chromium ]]; then
  apt_install chromium
fi
if [[ $want_browser -eq 1 ]] && ! command -v pdftotext >/dev/null; then
  apt_install poppler-utils
fi
