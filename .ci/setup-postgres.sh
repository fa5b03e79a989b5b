# shellcheck shell=bash
# PostgreSQL for the backup test's second store (test/backup.test.ts).
#
# Meant to be *sourced* by .ci/run (so the export below reaches `npm test`) on a clean Debian
# machine, as root or with sudo:
#
#   source .ci/setup-postgres.sh      # exports TEST_DATABASE_URL=postgres://…
#
# Idempotent: an installed package, a running cluster, an existing role or database are all fine,
# so a developer can source it again on the same machine. Because it is sourced, it never calls
# `exit` or changes the caller's shell options; it returns non-zero on failure instead (which
# `set -e` in the caller turns into a stop). Its helpers and variables are prefixed `_pg_` and
# removed at the end, so nothing but TEST_DATABASE_URL leaks into the caller's shell.

_pg_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# psql as the cluster's superuser, through the local socket (peer auth), quiet, stop on error.
_pg_psql() { _pg_root runuser -u postgres -- psql -p "$_pg_port" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

_pg_setup() {
  # 1. The package: Debian's `postgresql` pulls in the supported major version and postgresql-common.
  if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "   installing postgresql (Debian package)"
    _pg_root apt-get update -qq || return 1
    _pg_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null || return 1
  fi

  # 2. The cluster. The package normally creates `<version> main`; some container images skip that
  #    (create_main_cluster = false), so create one when there is none.
  local version name status
  read -r version name _pg_port status _ < <(pg_lsclusters -h | head -n 1) || true
  if [ -z "${version:-}" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    name=main
    echo "   creating cluster $version/$name"
    _pg_root pg_createcluster "$version" "$name" >/dev/null || return 1
    read -r version name _pg_port status _ < <(pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1 == v && $2 == n') || return 1
  fi

  # 3. Start it. pg_ctlcluster works without systemd (CI containers have none); `service` would too.
  if [ "$status" != "online" ]; then
    echo "   starting cluster $version/$name on port $_pg_port"
    _pg_root pg_ctlcluster "$version" "$name" start || return 1
  fi
  local i
  for i in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$_pg_port" && break
    sleep 1
  done
  pg_isready -q -h 127.0.0.1 -p "$_pg_port" || { echo "   PostgreSQL on port $_pg_port did not become ready" >&2; return 1; }

  # 4. A role and a database for the tests. The password is random, made once per machine and kept
  #    in a private file of the user who sources this, so sourcing again (or a second shell) gets
  #    the same URL; it is set again on every run in case the role was made some other way.
  local role=backup_test db=backup_test password
  local pwfile="${XDG_STATE_HOME:-$HOME/.local/state}/sonar-splynx-workbook/pg-test-password"
  if [ ! -s "$pwfile" ]; then
    mkdir -p "$(dirname "$pwfile")" || return 1
    (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$pwfile") || return 1
  fi
  password=$(cat "$pwfile")
  if [ "$(_pg_psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != "1" ]; then
    _pg_psql -c "CREATE ROLE $role LOGIN PASSWORD '$password'" || return 1
  else
    _pg_psql -c "ALTER ROLE $role LOGIN PASSWORD '$password'" || return 1
  fi
  if [ "$(_pg_psql -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    _pg_psql -c "CREATE DATABASE $db OWNER $role" || return 1
  fi

  # 5. TCP on localhost with a password (Debian's pg_hba.conf allows scram-sha-256 from 127.0.0.1).
  export TEST_DATABASE_URL="postgres://$role:$password@127.0.0.1:$_pg_port/$db"
  echo "   PostgreSQL $version ready on 127.0.0.1:$_pg_port, database $db (TEST_DATABASE_URL exported)"
}

_pg_port=
_pg_rc=0
# Called as an `if`-less `||` so the caller's `set -e` cannot stop us before the clean-up below.
_pg_setup || _pg_rc=$?
unset -f _pg_root _pg_psql _pg_setup
unset _pg_port
# `return` works when sourced; the `exit` fallback only runs if someone executes the file directly.
eval "unset _pg_rc; return $_pg_rc 2>/dev/null || exit $_pg_rc"
