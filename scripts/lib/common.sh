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
  local stamp="$ROOT/node_modules/.install-stamp"
  if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
    log "npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    touch "$stamp"
  fi
}

# FerretDB 1.24 with its SQLite backend, built from tools/ferretdb (see the comment in its main.go).
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

# start_services NAME: local FerretDB and Redis under $DATA_ROOT/NAME, unless MONGODB_URI / REDIS_URL
# are already set. Exports MONGODB_URI and REDIS_URL. Reuses instances that still run.
start_services() {
  local name="$1" dir="$DATA_ROOT/$1"
  mkdir -p "$dir"
  if [ -z "${MONGODB_URI:-}" ]; then
    ensure_ferretdb
    if pid_alive "$dir/ferretdb.pid" && wait_for_port 127.0.0.1 "$(cat "$dir/ferretdb.port")" 1; then
      log "reusing FerretDB on port $(cat "$dir/ferretdb.port")"
    else
      local port; port=$(free_port)
      mkdir -p "$dir/ferretdb"
      setsid "$FERRETDB_BIN" -listen-addr "127.0.0.1:$port" -sqlite-url "file:$dir/ferretdb/" -log-level error \
        </dev/null >>"$dir/ferretdb.log" 2>&1 &
      echo $! >"$dir/ferretdb.pid"; echo "$port" >"$dir/ferretdb.port"
      wait_for_port 127.0.0.1 "$port" 20 || die "FerretDB did not start; see $dir/ferretdb.log"
      log "FerretDB on 127.0.0.1:$port (data in $dir/ferretdb)"
    fi
    export MONGODB_URI="mongodb://127.0.0.1:$(cat "$dir/ferretdb.port")/marketing_bot"
    STARTED_SERVICES+=("$dir/ferretdb.pid")
  fi
  if [ -z "${REDIS_URL:-}" ]; then
    ensure_redis
    if pid_alive "$dir/redis.pid" && wait_for_port 127.0.0.1 "$(cat "$dir/redis.port")" 1; then
      log "reusing Redis on port $(cat "$dir/redis.port")"
    else
      local port; port=$(free_port)
      # Throw-away instances (tests) must not snapshot: Redis 7 refuses SIGTERM when the save fails.
      local save="60 1"; [ "${SERVICES_EPHEMERAL:-}" = 1 ] && save=""
      setsid redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --dbfilename redis.rdb --save "$save" \
        --appendonly no --daemonize no --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
      echo $! >"$dir/redis.pid"; echo "$port" >"$dir/redis.port"
      wait_for_port 127.0.0.1 "$port" 10 || die "Redis did not start; see $dir/redis.log"
      log "Redis on 127.0.0.1:$port"
    fi
    export REDIS_URL="redis://127.0.0.1:$(cat "$dir/redis.port")"
    STARTED_SERVICES+=("$dir/redis.pid")
  fi
}

STARTED_SERVICES=()
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
}
