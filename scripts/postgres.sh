#!/usr/bin/env bash
# A private PostgreSQL cluster on loopback for tests and benchmarks: ./scripts/postgres.sh start|stop|url|status
#   start   installs PostgreSQL (Debian) when missing, creates the cluster on first use, starts it (reuses a running
#           one) and prints its URL, postgres://vigil:vigil@127.0.0.1:PORT/postgres (role vigil may CREATE DATABASE).
#   stop    stops it (the data stays for the next start).
#   url     prints the URL of the running cluster; fails when it is not running.
# The cluster lives in $VIGIL_BUILD/postgres (or under /var/tmp when the postgres user cannot reach the checkout),
# listens on 127.0.0.1 only, on port 55432 or the next free one. Logs go to stderr; stdout is the URL only.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"

PG_ROLE=vigil PG_PASSWORD=vigil PG_FIRST_PORT=55432

say() { echo "postgres.sh: $*" >&2; }

# PostgreSQL refuses to run as root: as root, every server command runs as the postgres user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local dir; dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] || { say "PostgreSQL server binaries not found under /usr/lib/postgresql"; return 1; }
  echo "$dir"
}

# The cluster folder: in the build folder when the postgres user can reach it, else a per-checkout folder in /var/tmp.
pg_home() {
  local home="$VIGIL_BUILD/postgres"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$VIGIL_ROOT" 2>/dev/null; then
    home="/var/tmp/vigil-postgres-$(echo -n "$VIGIL_ROOT" | md5sum | cut -c1-12)"
  fi
  echo "$home"
}

HOME_DIR=$(pg_home)
DATA="$HOME_DIR/data" LOG="$HOME_DIR/server.log" PORT_FILE="$HOME_DIR/port"
# Unix socket for the superuser's setup commands; socket paths are limited to ~100 bytes.
SOCK="$HOME_DIR/run"
[ ${#SOCK} -gt 80 ] && SOCK="/tmp/vigil-pg-$(echo -n "$HOME_DIR" | md5sum | cut -c1-12)"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

url() { echo "postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$(cat "$PORT_FILE")/postgres"; }

create_cluster() {
  say "creating a cluster in $DATA"
  mkdir -p "$HOME_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$HOME_DIR"
  # Superuser over the private socket only (trust); everything over TCP needs a password.
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$HOME_DIR/initdb.log" 2>&1 \
    || { cat "$HOME_DIR/initdb.log" >&2; say "initdb failed"; return 1; }
}

start() {
  vigil_ensure_packages postgresql || return 1
  BIN=$(pg_bin) || return 1
  if running && [ -f "$PORT_FILE" ]; then url; return 0; fi
  [ -f "$DATA/PG_VERSION" ] || create_cluster || return 1
  local port=$PG_FIRST_PORT
  while port_busy "$port"; do
    port=$((port + 1))
    [ "$port" -gt $((PG_FIRST_PORT + 100)) ] && { say "no free port in $PG_FIRST_PORT..$((PG_FIRST_PORT + 100))"; return 1; }
  done
  mkdir -p "$SOCK"
  [ "$(id -u)" = 0 ] && chown postgres: "$SOCK" "$HOME_DIR"
  echo "$port" >"$PORT_FILE"
  # -w waits until it accepts connections. Settings: loopback only, room for parallel test classes, and no
  # autovacuum: its workers run as the superuser, and a test's DROP DATABASE … WITH (FORCE) by role vigil cannot end
  # one that happens to be on the database ("must be a member of the role whose process is being terminated"; seen
  # once in a full test run). The test databases live for seconds and need no vacuuming.
  if ! as_owner "$BIN/pg_ctl" start -w -t 60 -D "$DATA" -l "$LOG" \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$SOCK -c max_connections=300 -c autovacuum=off" >/dev/null; then
    tail -n 30 "$LOG" >&2 || true
    say "PostgreSQL did not start (log: $LOG)"; return 1
  fi
  as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$port" -U postgres -d postgres >/dev/null <<SQL || { say "could not create role $PG_ROLE"; return 1; }
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SQL
  say "running on 127.0.0.1:$port (data $DATA)"
  url
}

stop() {
  BIN=$(pg_bin) || return 0
  if running; then as_owner "$BIN/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null && say "stopped"; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) BIN=$(pg_bin) && running && [ -f "$PORT_FILE" ] && url || { say "not running; use: $0 start"; exit 1; } ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
