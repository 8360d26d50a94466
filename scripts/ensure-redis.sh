#!/usr/bin/env bash
# Make sure a Redis answers on REDIS_URL's host:port (default 127.0.0.1:6379): start one, installing
# redis-server from Debian if needed. Safe to run when Redis already runs.
set -euo pipefail
url="${REDIS_URL:-redis://127.0.0.1:6379}"
hostport="${url#redis://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$host" ] && port=6379

ping_redis() {
  if command -v redis-cli >/dev/null 2>&1; then redis-cli -h "$host" -p "$port" ping 2>/dev/null | grep -q PONG
  else (exec 3<>"/dev/tcp/$host/$port" && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3 | grep -q PONG) 2>/dev/null; fi
}

if ping_redis; then exit 0; fi
if [ "$host" != "127.0.0.1" ] && [ "$host" != "localhost" ]; then
  echo "Redis at $host:$port does not answer, and it is not local: start it, or unset REDIS_URL." >&2; exit 1
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing redis-server from Debian…" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi
echo "Starting redis-server on 127.0.0.1:$port…" >&2
mkdir -p "${TMPDIR:-/tmp}/faldone-redis"
redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
  --maxmemory-policy noeviction --dir "${TMPDIR:-/tmp}/faldone-redis" --logfile "${TMPDIR:-/tmp}/faldone-redis/redis.log"
for _ in $(seq 1 50); do ping_redis && exit 0; sleep 0.1; done
echo "redis-server did not start: see ${TMPDIR:-/tmp}/faldone-redis/redis.log" >&2; exit 1
