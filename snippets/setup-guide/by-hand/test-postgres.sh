#!/usr/bin/env bash
# A throwaway PostgreSQL for tests, without Docker: a new cluster in a temp dir, on 127.0.0.1 only.
#   eval "$(bash test-postgres.sh start [PORT])"   # sets TEST_DATABASE_URL and TEST_PG_DIR; port 5434 by default
#   bash test-postgres.sh stop                     # stops the server and deletes its directory
set -euo pipefail
bin=${PG_BINDIR:-/usr/lib/postgresql/15/bin}  # Debian's postgresql-15; elsewhere: $(pg_config --bindir)
server_user=${PG_SERVER_USER:-postgres}

# PostgreSQL refuses to run as root. As root, run its programs as an unprivileged user instead
# (from /, since that user may not be allowed into the current directory).
as_server() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u "$server_user" -- "$@"); else "$@"; fi
}

case ${1:-} in
start)
  port=${2:-5434}
  dir=$(mktemp -d)  # mode 0700: only its owner can reach the data and the socket
  if [ "$(id -u)" -eq 0 ]; then chown "$server_user" "$dir"; fi
  # Local (socket) connections need no password; TCP connections need the role's password.
  as_server "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C --no-sync >/dev/null
  # fsync=off: nothing here needs to survive a crash.
  as_server "$bin/pg_ctl" start -w -D "$dir/data" -l "$dir/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" \
    >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  as_server "$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE test_user LOGIN CREATEDB PASSWORD 'test_password'" \
    -c "CREATE DATABASE dataflow_test OWNER test_user"
  echo "export TEST_PG_DIR=$dir"
  echo "export TEST_DATABASE_URL=postgresql://test_user:test_password@127.0.0.1:$port/dataflow_test"
  ;;
stop)
  as_server "$bin/pg_ctl" stop -w -m fast -D "$TEST_PG_DIR/data" >/dev/null
  rm -rf "$TEST_PG_DIR"
  ;;
*)
  echo "usage: bash $0 start [PORT] | stop" >&2
  exit 2
  ;;
esac
