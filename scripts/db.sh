#!/usr/bin/env bash
# Project-local PostgreSQL cluster: one per checkout, on a free local port, run as the postgres user
# (PostgreSQL refuses to run as root). Prints nothing on success except with `env`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
state="$repo/.portal"
mkdir -p "$state"
# The data directory lives outside the checkout so the postgres user can own it whatever the checkout's permissions.
key=$(printf '%s' "$repo" | sha1sum | cut -c1-10)
data_root="${KP_DB_ROOT:-/var/tmp/knowledgeportal-$key}"
pgdata="$data_root/pgdata"
pg_bin=/usr/lib/postgresql/15/bin
env_file="$state/db.env"

as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

port_free() { ! (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

init_cluster() {
  mkdir -p "$data_root"
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$data_root"
  chmod 700 "$data_root"
  local pw; pw=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
  local port=55432
  while ! port_free $port; do port=$((port + 1)); done
  local pwfile="$data_root/pw.tmp"
  printf '%s' "$pw" > "$pwfile"; [[ $(id -u) -eq 0 ]] && chown postgres "$pwfile"
  as_pg $pg_bin/initdb -D "$pgdata" -U postgres --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  cat >> "$pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data_root'
shared_buffers = 512MB
maintenance_work_mem = 1GB
max_connections = 200
fsync = on
CONF
  printf 'KP_DB_PORT=%s\nKP_DB_PASSWORD=%s\nKP_DB_SOCKET=%s\n' "$port" "$pw" "$data_root" > "$env_file"
  chmod 600 "$env_file"
}

running() { as_pg $pg_bin/pg_ctl -D "$pgdata" status >/dev/null 2>&1; }

start() {
  [[ -f "$pgdata/PG_VERSION" && -f "$env_file" ]] || { rm -rf "$pgdata"; init_cluster; }
  # shellcheck disable=SC1090
  source "$env_file"
  if ! running; then
    if ! port_free "$KP_DB_PORT"; then
      echo "[portal] port $KP_DB_PORT is taken by another program; picking a new one" >&2
      local port=$((KP_DB_PORT + 1)); while ! port_free $port; do port=$((port + 1)); done
      sed -i "s/^port = .*/port = $port/" "$pgdata/postgresql.conf"
      sed -i "s/^KP_DB_PORT=.*/KP_DB_PORT=$port/" "$env_file"; KP_DB_PORT=$port
    fi
    as_pg $pg_bin/pg_ctl -D "$pgdata" -l "$data_root/postgres.log" -w -t 60 start >/dev/null \
      || { echo "[portal] PostgreSQL did not start; see $data_root/postgres.log" >&2; tail -20 "$data_root/postgres.log" >&2; exit 1; }
  fi
}

# The portal's database exists before the portal first connects, so its first migration does not log a connection error.
ensure_database() {
  local name="${KP_DB_NAME:-knowledgeportal}"
  [[ $name =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "[portal] KP_DB_NAME must be a plain lower-case name: $name" >&2; exit 2; }
  as_pg psql -h "$data_root" -p "$KP_DB_PORT" -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 \
    || as_pg $pg_bin/createdb -h "$data_root" -p "$KP_DB_PORT" "$name"
}

stop() {
  if [[ -f "$pgdata/PG_VERSION" ]] && running; then as_pg $pg_bin/pg_ctl -D "$pgdata" -m fast -w stop >/dev/null; fi
}

case "${1:-}" in
  start) start; ensure_database ;;
  stop) stop ;;
  env) start; source "$env_file"
       echo "Host=127.0.0.1;Port=$KP_DB_PORT;Username=postgres;Password=$KP_DB_PASSWORD" ;;
  psql) start; source "$env_file"; shift; PGPASSWORD=$KP_DB_PASSWORD psql -h 127.0.0.1 -p "$KP_DB_PORT" -U postgres "$@" ;;
  destroy) stop; rm -rf "$data_root" "$env_file" ;;
  *) echo "usage: scripts/db.sh start|stop|env|psql|destroy" >&2; exit 2 ;;
esac
