#!/usr/bin/env bash
# Make sure the test services are up: PostgreSQL on 127.0.0.1:5432 (trust auth) and Redis on 6379.
# Starts them when installed but stopped; installs them with apt-get when missing and we are root;
# otherwise says exactly what to do and fails.
set -euo pipefail

PGHOST=127.0.0.1 PGPORT=5432 REDIS_PORT=6379

say() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

pg_up() { pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    die "$1 is not installed. Install it with: sudo apt-get install -y $2  (then run make test again)"
  fi
  say "installing $2 with apt-get"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

wait_for() {
  for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done
  return 1
}

if ! pg_up; then
  command -v pg_ctlcluster >/dev/null || apt_install PostgreSQL postgresql
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$version" ] || die "PostgreSQL is installed but has no cluster: run 'pg_createcluster --start 15 main'"
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for pg_up || die "PostgreSQL did not start on $PGHOST:$PGPORT. Check /var/log/postgresql/ and that it listens on 127.0.0.1 with trust auth for user postgres."
fi
psql -h "$PGHOST" -p "$PGPORT" -U postgres -Atqc 'select 1' >/dev/null 2>&1 \
  || die "PostgreSQL answers but user 'postgres' cannot log in without a password on $PGHOST. Add 'host all all 127.0.0.1/32 trust' to pg_hba.conf and reload."

if ! redis_up; then
  command -v redis-server >/dev/null || apt_install Redis redis-server
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /tmp --logfile /tmp/linli-redis.log
  wait_for redis_up || die "Redis did not start on 127.0.0.1:$REDIS_PORT (see /tmp/linli-redis.log)"
fi
say "PostgreSQL and Redis are up"
