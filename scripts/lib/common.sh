# Shared by scripts/start, scripts/test and scripts/services. Sourced, not run.
# Everything here is idempotent: a second call reuses what is already installed or running.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA_ROOT="${DATA_DIR:-$ROOT/.data}"
BIN_DIR="$DATA_ROOT/bin"
FERRETDB_BIN="$BIN_DIR/ferretdb"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $*"; fi
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* by hand"
  if [ -z "$APT_UPDATED" ]; then
    log "apt-get update"
    as_root apt-get update -qq >/dev/null || die "apt-get update failed"
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed"
}

ensure_node_modules() {
  command -v node >/dev/null 2>&1 || die "Node.js 20.19+ is required (https://nodejs.org)"
  # A node_modules shared through a symlink (several checkouts of one machine) belongs to the checkout
  # it points into: npm ci here would empty it under everyone who uses it.
  if [ -L "$ROOT/node_modules" ]; then
    [ -x "$ROOT/node_modules/.bin/tsc" ] \
      || die "node_modules links to an incomplete install: run npm ci in $(dirname "$(readlink -f "$ROOT/node_modules")")"
    return
  fi
  local stamp="$ROOT/node_modules/.install-stamp"
  if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
    log "npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    touch "$stamp"
  fi
}

# FerretDB 1.24 with its PostgreSQL backend, built from tools/ferretdb (see the comment in its main.go).
ensure_ferretdb() {
  if [ -x "$FERRETDB_BIN" ] && [ "$FERRETDB_BIN" -nt "$ROOT/tools/ferretdb/go.sum" ] \
    && [ "$FERRETDB_BIN" -nt "$ROOT/tools/ferretdb/main.go" ]; then return; fi
  command -v go >/dev/null 2>&1 || apt_install golang-go
  mkdir -p "$BIN_DIR"
  log "building FerretDB 1.24.2 (first run only; downloads Go modules)"
  (cd "$ROOT/tools/ferretdb" && go build -o "$FERRETDB_BIN.tmp" .) || die "building FerretDB failed"
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
}

ensure_redis() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
}

ensure_chromium() {
  local path="${CHROME_PATH:-/usr/bin/chromium}"
  [ -x "$path" ] || apt_install chromium
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_for_port() { # host port seconds what
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# start_services NAME: local PostgreSQL + FerretDB and Redis under $DATA_ROOT/NAME, unless MONGODB_URI /
# REDIS_URL are already set. Exports MONGODB_URI and REDIS_URL (and PG_DIR for the local cluster).
# Reuses instances that still run. With SERVICES_EPHEMERAL=1 (tests) stop_services deletes them.
start_services() {
  local name="$1" dir="$DATA_ROOT/$1"
  # Local data is its owner's only (files 0600). The directories let others through without listing
  # them (0711): as root, PostgreSQL runs as the postgres user and must reach its own directory here.
  umask 077
  mkdir -p "$dir" && chmod 711 "$DATA_ROOT" "$dir"
  if [ -z "${MONGODB_URI:-}" ]; then
    ensure_ferretdb
    export FERRETDB_BIN # tests start FerretDBs of their own (test/support/private-ferretdb.ts)
    if pid_alive "$dir/ferretdb.pid" && wait_for_port 127.0.0.1 "$(cat "$dir/ferretdb.port")" 1 \
      && [ -f "$dir/pg.dir" ] && [ -S "$(cat "$dir/pg.dir")/.s.PGSQL.5432" ]; then
      log "reusing FerretDB on port $(cat "$dir/ferretdb.port")"
      export PG_DIR; PG_DIR=$(cat "$dir/pg.dir")
    else
      if pid_alive "$dir/ferretdb.pid"; then kill "$(cat "$dir/ferretdb.pid")" 2>/dev/null || true; fi
      start_postgres "$name"
      local port; port=$(free_port)
      setsid "$FERRETDB_BIN" -listen-addr "127.0.0.1:$port" -postgresql-url "$PG_URL" -log-level error \
        </dev/null >>"$dir/ferretdb.log" 2>&1 &
      echo $! >"$dir/ferretdb.pid"; echo "$port" >"$dir/ferretdb.port"
      wait_for_port 127.0.0.1 "$port" 20 || die "FerretDB did not start; see $dir/ferretdb.log"
      log "FerretDB on 127.0.0.1:$port (PostgreSQL in $PG_DIR)"
    fi
    STARTED_POSTGRES="$PG_DIR"
    # FerretDB 1.24 keeps the PostgreSQL connection of a findAndModify's or an update's read while it
    # takes a second one for the write: once its pool (50) is held by such reads, none gets its
    # second and every request waits forever, without an error (measured: 2,000 concurrent
    # /start-like upserts through the driver's default pool of 100 hung it). FerretDB runs one
    # request per client connection at a time, so a process gets 20 (at most 40 PostgreSQL
    # connections) and FerretDB 100 (scripts/lib/postgres.sh): a few processes together stay under.
    export MONGODB_URI="mongodb://127.0.0.1:$(cat "$dir/ferretdb.port")/marketing_bot?maxPoolSize=20"
    STARTED_SERVICES+=("$dir/ferretdb.pid")
  fi
  if [ -z "${REDIS_URL:-}" ]; then
    ensure_redis
    # A password of its own, made once and kept beside it (0600): other local users reach the port
    # but not the data. It goes to redis-server in a config file, never on the command line (ps).
    local password_file="$dir/redis.password"
    if [ ! -s "$password_file" ]; then
      od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$password_file"
    fi
    chmod 600 "$password_file"
    local password; password=$(cat "$password_file")
    if pid_alive "$dir/redis.pid" && wait_for_port 127.0.0.1 "$(cat "$dir/redis.port")" 1 \
      && grep -qxF "requirepass $password" "$dir/redis.conf" 2>/dev/null; then
      log "reusing Redis on port $(cat "$dir/redis.port")"
    else
      # One started without this password (before passwords, or the file was deleted) is replaced.
      if pid_alive "$dir/redis.pid"; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; sleep 0.5; fi
      local port; port=$(free_port)
      printf 'requirepass %s\n' "$password" >"$dir/redis.conf"
      chmod 600 "$dir/redis.conf"
      # Throw-away instances (tests) keep nothing on disk (and Redis 7 refuses SIGTERM when a save
      # fails). A kept one writes an append-only file: the campaign counters live here.
      local persist=(--save "60 1" --appendonly yes --appendfsync everysec)
      [ "${SERVICES_EPHEMERAL:-}" = 1 ] && persist=(--save "" --appendonly no)
      setsid redis-server "$dir/redis.conf" --port "$port" --bind 127.0.0.1 --dir "$dir" \
        --dbfilename redis.rdb "${persist[@]}" --daemonize no --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
      echo $! >"$dir/redis.pid"; echo "$port" >"$dir/redis.port"
      wait_for_port 127.0.0.1 "$port" 10 || die "Redis did not start; see $dir/redis.log"
      log "Redis on 127.0.0.1:$port (password in $password_file)"
    fi
    export REDIS_URL="redis://:$password@127.0.0.1:$(cat "$dir/redis.port")"
    STARTED_SERVICES+=("$dir/redis.pid")
  fi
}

STARTED_SERVICES=()
STARTED_POSTGRES=""
stop_services() {
  local f
  for f in "${STARTED_SERVICES[@]}"; do
    if pid_alive "$f"; then
      local pid; pid=$(cat "$f")
      kill "$pid" 2>/dev/null || true
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  STARTED_SERVICES=()
  # PostgreSQL after FerretDB, which holds connections to it.
  if [ -n "$STARTED_POSTGRES" ]; then
    if [ "${SERVICES_EPHEMERAL:-}" = 1 ]; then stop_postgres "$STARTED_POSTGRES" remove
    else stop_postgres "$STARTED_POSTGRES"; fi
  fi
  STARTED_POSTGRES=""
}

source "$ROOT/scripts/lib/postgres.sh"
