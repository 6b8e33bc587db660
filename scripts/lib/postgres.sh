# The local PostgreSQL cluster under FerretDB. Sourced by common.sh, not run.
#
# One cluster per service set (dev, or one per test run): created with initdb, listening on a Unix
# socket only (no TCP port, so nothing else on the machine can reach it and nothing collides with
# another cluster), prepared with the database and the GIN companion trigger before FerretDB starts.
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user from Debian's
# package, in $DATA_ROOT/<name>/pg when that user can reach it, else under /var/lib/postgresql.

PG_DATABASE=marketing_bot

pg_bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

ensure_postgresql() {
  [ -n "$(pg_bin_dir)" ] && return
  # Debian's package would create and start a cluster of its own on port 5432: we need none.
  as_root mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.d/50-marketing-bot.conf >/dev/null
  apt_install postgresql
  [ -n "$(pg_bin_dir)" ] || die "PostgreSQL installed, but no initdb under /usr/lib/postgresql/*/bin"
}

# Runs a command as the cluster's owner: ourselves, or `postgres` when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_cluster_dir NAME: where NAME's cluster lives (created, owned by the cluster's owner).
pg_cluster_dir() {
  local want="$DATA_ROOT/$1/pg"
  if [ "$(id -u)" != 0 ]; then mkdir -p "$want" && chmod 700 "$want" && echo "$want"; return; fi
  mkdir -p "$want" && chown postgres:postgres "$want" && chmod 700 "$want"
  if runuser -u postgres -- test -w "$want" 2>/dev/null; then echo "$want"; return; fi
  # A parent the postgres user cannot enter (a checkout under /root, or a mktemp -d): keep the
  # cluster under its home instead, named after this checkout, and say where in $DATA_ROOT/$1.
  rmdir "$want"
  local key; key=$(printf '%s' "$DATA_ROOT" | sha1sum | cut -c1-12)
  local alt="/var/lib/postgresql/marketing-bot/$key/$1"
  mkdir -p "$alt" && chown postgres:postgres "/var/lib/postgresql/marketing-bot" "/var/lib/postgresql/marketing-bot/$key" "$alt"
  chmod 700 "$alt"
  echo "$alt"
}

# psql against a cluster's socket, as its superuser.
pg_psql() { # dir [psql args...]
  local dir="$1"; shift
  "$(pg_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U postgres "$@"
}

# start_postgres NAME: exports PG_DIR (data and socket directory) and PG_URL (for FerretDB).
start_postgres() {
  local name="$1" bin; ensure_postgresql; bin=$(pg_bin_dir)
  local dir
  if [ -f "$DATA_ROOT/$name/pg.dir" ] && [ -f "$(cat "$DATA_ROOT/$name/pg.dir")/data/PG_VERSION" ]; then
    dir=$(cat "$DATA_ROOT/$name/pg.dir")
  else
    dir=$(pg_cluster_dir "$name") || die "cannot create the PostgreSQL directory for $name"
  fi
  echo "$dir" >"$DATA_ROOT/$name/pg.dir"
  # A Unix socket path must stay under 108 bytes.
  [ ${#dir} -le 90 ] || die "PostgreSQL directory path too long for its socket ($dir): set DATA_DIR to a shorter path"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "creating a PostgreSQL cluster in $dir"
    # FerretDB accepts only UTF8 with a C, POSIX, C.UTF8 or en_US.UTF8 locale.
    as_pg "$bin/initdb" -D "$dir/data" -E UTF8 --locale=C.UTF-8 -A trust -U postgres >"$dir/initdb.log" 2>&1 \
      || die "initdb failed; see $dir/initdb.log"
    {
      echo "# marketing-bot: Unix socket only, in this directory"
      echo "listen_addresses = ''"
      echo "unix_socket_directories = '$dir'"
      echo "unix_socket_permissions = 0700"
      echo "max_connections = 200"
      echo "shared_buffers = 256MB"
      # Lookups only use the GIN companions once the planner has statistics: analyze early.
      echo "autovacuum_naptime = 10s"
      echo "autovacuum_analyze_scale_factor = 0.02"
      echo "autovacuum_analyze_threshold = 200"
      echo "log_line_prefix = '%m [%p] %u '"
      # tests: auto_explain for the roles that ask for it (test/db/query-plans.test.ts)
      echo "shared_preload_libraries = 'auto_explain'"
      if [ "${SERVICES_EPHEMERAL:-}" = 1 ]; then
        # a throw-away cluster: nothing needs to survive a crash of this machine
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
      fi
    } >>"$dir/data/postgresql.conf"
  fi
  if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    log "reusing PostgreSQL in $dir"
  else
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 start >/dev/null \
      || die "PostgreSQL did not start; see $dir/postgresql.log"
    log "PostgreSQL on socket $dir"
  fi
  if [ -z "$(pg_psql "$dir" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" ]; then
    pg_psql "$dir" -d postgres -c "CREATE DATABASE $PG_DATABASE"
  fi
  pg_psql "$dir" -d "$PG_DATABASE" -f "$ROOT/scripts/lib/gin-companion.sql" 2>/dev/null \
    || die "installing the GIN companion trigger failed"
  export PG_DIR="$dir"
  # The user goes in the URL's userinfo, not in `?user=`: FerretDB replaces the userinfo with the
  # credentials of a client that authenticates with PLAIN (its connections then run as that role),
  # whereas a `user` parameter would override them (test/db/query-plans.test.ts relies on this).
  # pool_max_conns: FerretDB's own default is 50; see the maxPoolSize note in common.sh.
  export PG_URL="postgres://postgres@/$PG_DATABASE?host=$dir&pool_max_conns=100"
}

# stop_postgres DIR [remove]: a fast shutdown; with `remove`, the cluster is deleted too.
stop_postgres() {
  local dir="$1" bin; bin=$(pg_bin_dir)
  if [ -n "$bin" ] && [ -f "$dir/data/PG_VERSION" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if [ "${2:-}" = remove ] && [ -n "$dir" ]; then
    rm -rf "$dir"
    rmdir "$(dirname "$dir")" 2>/dev/null || true # a checkout's directory under /var/lib/postgresql
  fi
}
