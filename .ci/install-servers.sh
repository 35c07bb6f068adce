#!/usr/bin/env bash
# Installs and starts local MariaDB and PostgreSQL servers for the live-reader tests, on a
# Debian 12 machine without systemd, as root. Idempotent: run it as often as you like.
#
# Both servers get a role and a database "rescue" with password "rescue", reachable on
# 127.0.0.1. What the script does is logged on stderr; stdout carries only the lines to
# eval, so that CI can do:
#
#     eval "$(bash .ci/install-servers.sh)"
#
# which exports RESCUE_TEST_MYSQL_URL and RESCUE_TEST_PG_URL for the tests.
set -euo pipefail

log() { echo "install-servers: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
  log "must run as root (apt-get, starting servers); doing nothing"
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# --- packages --------------------------------------------------------------------------
PKGS="mariadb-server mariadb-client postgresql postgresql-client"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "installing:$missing"
  apt-get update -qq >&2 || true
  # shellcheck disable=SC2086
  apt-get install -y -qq $missing >&2
else
  log "packages already installed: $PKGS"
fi

# --- MariaDB ---------------------------------------------------------------------------
mysql_up() { mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1; }
if mysql_up; then
  log "MariaDB already running"
else
  mkdir -p /run/mysqld
  chown mysql:mysql /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    log "initialising MariaDB data directory /var/lib/mysql"
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >&2
  fi
  log "starting MariaDB (mysqld_safe, detached; log /var/log/mysql/rescue-ci.log)"
  mkdir -p /var/log/mysql
  chown mysql:adm /var/log/mysql 2>/dev/null || true
  setsid nohup mysqld_safe --user=mysql --bind-address=127.0.0.1 --port=3306 \
    >/var/log/mysql/rescue-ci.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do mysql_up && break; sleep 1; done
  mysql_up || { log "MariaDB did not answer within 60 s"; tail -n 30 /var/log/mysql/rescue-ci.log >&2 || true; exit 1; }
  log "MariaDB is up"
fi
mariadb --protocol=socket -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS rescue CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'rescue'@'127.0.0.1' IDENTIFIED BY 'rescue';
CREATE USER IF NOT EXISTS 'rescue'@'localhost' IDENTIFIED BY 'rescue';
ALTER USER 'rescue'@'127.0.0.1' IDENTIFIED BY 'rescue';
ALTER USER 'rescue'@'localhost' IDENTIFIED BY 'rescue';
GRANT ALL PRIVILEGES ON rescue.* TO 'rescue'@'127.0.0.1';
GRANT ALL PRIVILEGES ON rescue.* TO 'rescue'@'localhost';
GRANT ALL PRIVILEGES ON `rescue\_%`.* TO 'rescue'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `rescue\_%`.* TO 'rescue'@'localhost';
FLUSH PRIVILEGES;
SQL
log "MariaDB: database rescue, user rescue@127.0.0.1 (password rescue), may create databases rescue_*"

# --- PostgreSQL ------------------------------------------------------------------------
PGVER=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PGVER main"; then
  log "creating PostgreSQL $PGVER cluster main"
  pg_createcluster "$PGVER" main >&2
fi
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
if pg_up; then
  log "PostgreSQL already running"
else
  log "starting PostgreSQL $PGVER (pg_ctlcluster $PGVER main start)"
  pg_ctlcluster "$PGVER" main start >&2
  for _ in $(seq 1 60); do pg_up && break; sleep 1; done
  pg_up || { log "PostgreSQL did not answer within 60 s"; exit 1; }
  log "PostgreSQL is up"
fi
su postgres -c "psql -q -v ON_ERROR_STOP=1 -d postgres" >&2 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rescue') THEN
    CREATE ROLE rescue LOGIN CREATEDB PASSWORD 'rescue';
  ELSE
    ALTER ROLE rescue LOGIN CREATEDB PASSWORD 'rescue';
  END IF;
END
$$;
SQL
if ! su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'rescue'\" -d postgres" | grep -q 1; then
  su postgres -c "createdb -O rescue -E UTF8 -T template0 rescue" >&2
fi
log "PostgreSQL: database rescue owned by role rescue (password rescue, CREATEDB) on 127.0.0.1:5432"

echo "export RESCUE_TEST_MYSQL_URL='mysql+pymysql://rescue:rescue@127.0.0.1:3306/rescue'"
echo "export RESCUE_TEST_PG_URL='postgresql+psycopg://rescue:rescue@127.0.0.1:5432/rescue'"
log "exported RESCUE_TEST_MYSQL_URL and RESCUE_TEST_PG_URL (eval this script's stdout)"
