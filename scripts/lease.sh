#!/usr/bin/env bash
# Developer tooling for the lease_overdue Odoo 19 addon.
#
#   scripts/lease.sh run                 demo database + Odoo on http://127.0.0.1:$LEASE_PORT
#   scripts/lease.sh test [pytest args]  fresh database, install, pytest, linters
#   scripts/lease.sh lint                ruff check, ruff format --check, pylint-odoo
#   scripts/lease.sh bench [script args] runs bench/<script> against a fresh database
#   scripts/lease.sh stop                stops the private PostgreSQL cluster
#
# Environment: ODOO_PATH, LEASE_DB, LEASE_PORT, KEEP_DB, LEASE_STRICT, LEASE_PYTHON,
# LEASE_TEST_LANGS, PGHOST/PGPORT/PGUSER/PGPASSWORD (use an existing server).
# `scripts/lease.sh help` describes them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDON=lease_overdue
LOCAL=$ROOT/.local
VENV=$ROOT/.venv
# OCA addons (requirements-oca.txt), installed by setup_oca; on the addons path
OCA=$LOCAL/oca
LOGS=$LOCAL/logs
LOCKS=$LOCAL/locks
DATA_DIR=$LOCAL/data
CONF=$LOCAL/odoo.conf
PGDIR=$LOCAL/pg    # see resolve_pgdir
AUTOSTOP=$LOCAL/pg.autostop
PG_USERS=$LOCAL/pg-users
LEASE_DB=${LEASE_DB:-lease_demo}
LEASE_PORT=${LEASE_PORT:-8069}
TEST_LANGS=${LEASE_TEST_LANGS-zh_CN} # set and empty: no language
# Bump when the way the template database is built changes.
TEMPLATE_RECIPE=1

# Filled in by the setup functions below.
ODOO=""
PGBIN=""
PY=$VENV/bin/python
EXTERNAL_PG=0
RUN_DB=""
BUILD_DB=""
T0=$(date +%s)
# The script's own stdout/stderr: a signal that arrives while a function runs with its
# output redirected (odoo_cmd ... >log) would leave the exit handler writing there.
exec {OUT_FD}>&1 {ERR_FD}>&2

log() { printf '[lease %4ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
die() {
    printf '[lease] ERROR: %s\n' "$*" >&2
    exit 1
}
is_root() { [ "$(id -u)" = 0 ]; }
sha() { sha256sum | cut -c1-"${1:-64}"; }

# take_lock NAME [shared]: blocks until the lock is ours; sets LOCK_FD.
# The lock is released with `release_lock "$LOCK_FD"` or when the script ends.
take_lock() {
    local file=$LOCKS/$1.lock mode=-x
    [ "${2:-}" = shared ] && mode=-s
    mkdir -p "$LOCKS"
    exec {LOCK_FD}>>"$file"
    if ! flock -n "$mode" "$LOCK_FD"; then
        log "waiting for another lease.sh command ($1 lock)..."
        flock "$mode" "$LOCK_FD"
    fi
}
release_lock() {
    local fd=$1
    exec {fd}>&-
}

tail_log() {
    local file=$1 n=${2:-60}
    [ -f "$file" ] || return 0
    printf '\n----- last %s lines of %s -----\n' "$n" "$file" >&2
    tail -n "$n" "$file" >&2
    printf -- '----- end of %s -----\n\n' "$file" >&2
}

# --------------------------------------------------------------------------- Odoo
odoo_ok() { [ -f "$1/odoo/release.py" ] && [ -d "$1/odoo/addons" ]; }

find_odoo() {
    local p
    if [ -n "${ODOO_PATH:-}" ]; then
        odoo_ok "$ODOO_PATH" || die "ODOO_PATH=$ODOO_PATH is not an Odoo source folder (no odoo/release.py in it)."
        ODOO=$(cd "$ODOO_PATH" && pwd)
    elif p=$(python3 -c 'import odoo, os; print(os.path.dirname(list(odoo.__path__)[0]))' 2>/dev/null) &&
        [ -n "$p" ] && odoo_ok "$p"; then
        ODOO=$p
    elif odoo_ok "$LOCAL/odoo"; then
        ODOO=$LOCAL/odoo
    elif GIT_TERMINAL_PROMPT=0 timeout 20 git ls-remote --heads https://github.com/odoo/odoo 19.0 >/dev/null 2>&1; then
        take_lock odoo-clone
        if ! odoo_ok "$LOCAL/odoo"; then
            log "cloning Odoo 19.0 (shallow) into .local/odoo; this downloads about 1 GB..."
            rm -rf "$LOCAL/odoo.partial"
            git clone --quiet --depth 1 --branch 19.0 https://github.com/odoo/odoo "$LOCAL/odoo.partial"
            mv "$LOCAL/odoo.partial" "$LOCAL/odoo"
        fi
        release_lock "$LOCK_FD"
        ODOO=$LOCAL/odoo
    else
        cat >&2 <<'EOF'
[lease] ERROR: Odoo 19 was not found, and github.com cannot be reached to fetch it.
  This project runs on Odoo 19.0 Community from source. Get it from the official
  repository, branch 19.0, into a folder outside this project:
      git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo /opt/odoo19
  (or unpack Odoo's 19.0 nightly source archive), then either
      export ODOO_PATH=/opt/odoo19      # the folder holding odoo/ and addons/
  or make it importable by python3 with a .pth file in python3's site-packages:
      echo /opt/odoo19 > "$(python3 -c 'import site; print(site.getsitepackages()[0])')/odoo19.pth"
EOF
        exit 1
    fi
    local version
    version=$(sed -n "s/^version_info = (\([0-9]*\), *\([0-9]*\),.*/\1.\2/p" "$ODOO/odoo/release.py")
    [ "$version" = 19.0 ] || die "$ODOO holds Odoo $version, this project needs 19.0 (set ODOO_PATH)."
    export ODOO_PATH=$ODOO
}

# Identity of the Odoo source: the git commit (plus local changes) when it is a git
# checkout, else the names, sizes and dates of its files.
odoo_fingerprint() {
    if [ "$(git -C "$ODOO" rev-parse --show-toplevel 2>/dev/null)" = "$ODOO" ]; then
        {
            git -C "$ODOO" rev-parse HEAD
            git -C "$ODOO" status --porcelain --untracked-files=no
        } | sha
    else
        (cd "$ODOO" && find odoo addons -type f ! -name '*.pyc' ! -path '*/__pycache__/*' \
            -printf '%p %s %T@\n' | LC_ALL=C sort | sha)
    fi
}

# --------------------------------------------------------------------------- Python
find_python() {
    local cand v
    for cand in ${LEASE_PYTHON:-} python3.11 python3; do
        command -v "$cand" >/dev/null 2>&1 || continue
        v=$("$cand" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
        if [ "$v" = 3.11 ]; then
            BASE_PYTHON=$(command -v "$cand")
            return
        fi
    done
    die "Python 3.11 not found: requirements.txt pins Odoo 19's packages for Python 3.11.
  Install python3.11 (Debian 12: apt-get install python3 python3-venv) or set LEASE_PYTHON."
}

setup_venv() {
    local want site pth_want
    find_python
    want=$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" <("$BASE_PYTHON" -VV) | sha)
    take_lock venv
    if [ ! -x "$PY" ] || [ "$(cat "$VENV/.lease-stamp" 2>/dev/null)" != "$want" ]; then
        local t=$SECONDS
        if [ ! -x "$PY" ] || ! "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
            log "creating .venv with $BASE_PYTHON"
            rm -rf "$VENV"
            "$BASE_PYTHON" -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
        fi
        log "installing requirements.txt and requirements-dev.txt into .venv (log: .local/logs/pip.log)"
        mkdir -p "$LOGS"
        if ! "$PY" -m pip install --disable-pip-version-check \
            -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt" >"$LOGS/pip.log" 2>&1; then
            tail_log "$LOGS/pip.log" 40
            die "pip install failed"
        fi
        echo "$want" >"$VENV/.lease-stamp"
        log ".venv ready in $((SECONDS - t))s"
    fi
    # The venv finds Odoo through its own .pth file.
    site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    pth_want=$ODOO
    if [ "$(cat "$site/lease-odoo.pth" 2>/dev/null)" != "$pth_want" ]; then
        echo "$pth_want" >"$site/lease-odoo.pth"
    fi
    setup_oca
    release_lock "$LOCK_FD"
    local found
    found=$("$PY" -c 'import odoo, os; print(os.path.dirname(list(odoo.__path__)[0]))')
    [ "$found" = "$ODOO" ] || die ".venv imports odoo from $found, expected $ODOO"
}

# The OCA addons of requirements-oca.txt, in .local/oca/odoo/addons (on the addons path).
# Their wheels require an `odoo` distribution that no registry has (Odoo comes from
# source): installed with --no-deps into a folder of their own, never into .venv.
# Re-done only when requirements-oca.txt changes: an unchanged checkout runs offline.
# Called by setup_venv, under its lock.
setup_oca() {
    local want
    want=$(cat "$ROOT/requirements-oca.txt" <("$BASE_PYTHON" -VV) | sha)
    if [ -d "$OCA/odoo/addons" ] && [ "$(cat "$OCA/.lease-stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    local t=$SECONDS
    log "installing requirements-oca.txt into .local/oca (log: .local/logs/pip-oca.log)"
    mkdir -p "$LOGS"
    rm -rf "$OCA.partial"
    if ! "$PY" -m pip install --disable-pip-version-check --no-deps --no-compile \
        --target "$OCA.partial" -r "$ROOT/requirements-oca.txt" >"$LOGS/pip-oca.log" 2>&1; then
        tail_log "$LOGS/pip-oca.log" 40
        rm -rf "$OCA.partial"
        die "pip install of requirements-oca.txt failed (PyPI must be reachable the first time)"
    fi
    [ -d "$OCA.partial/odoo/addons" ] || die "requirements-oca.txt installed no odoo/addons folder"
    echo "$want" >"$OCA.partial/.lease-stamp"
    rm -rf "$OCA"
    mv "$OCA.partial" "$OCA"
    log ".local/oca ready in $((SECONDS - t))s: $(cd "$OCA/odoo/addons" && echo *)"
}

# --------------------------------------------------------------------------- system packages
find_pgbin() {
    local p d
    for p in pg_ctl initdb; do
        if command -v "$p" >/dev/null 2>&1; then
            d=$(dirname "$(readlink -f "$(command -v "$p")")")
            if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then
                PGBIN=$d
                return 0
            fi
        fi
    done
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
        if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then
            PGBIN=$d
            return 0
        fi
    done
    return 1
}

# Prints the Debian packages that are missing, one a line.
missing_packages() {
    [ "$EXTERNAL_PG" = 1 ] || find_pgbin || echo postgresql
    if [ "$EXTERNAL_PG" = 1 ] && ! command -v psql >/dev/null 2>&1; then echo postgresql-client; fi
    command -v wkhtmltopdf >/dev/null 2>&1 || echo wkhtmltopdf
    command -v pdftoppm >/dev/null 2>&1 || echo poppler-utils
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 ||
        command -v google-chrome >/dev/null 2>&1 || echo chromium
    # (no `producer | grep -q` here: with pipefail grep's early exit fails the pipe)
    [ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] ||
        grep -qi 'wenquanyi zen hei' <<<"$(fc-list 2>/dev/null)" || echo fonts-wqy-zenhei
    grep -q 'libmagic\.so\.1' <<<"$(/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null)" || echo libmagic1
}

check_system() {
    local missing pkgs
    missing=$(missing_packages | tr '\n' ' ')
    missing=${missing% }
    [ -z "$missing" ] && return 0
    if is_root && command -v apt-get >/dev/null 2>&1; then
        take_lock apt
        missing=$(missing_packages | tr '\n' ' ')
        missing=${missing% }
        if [ -n "$missing" ]; then
            log "installing Debian packages: $missing (log: .local/logs/apt.log)"
            mkdir -p "$LOGS"
            read -r -a pkgs <<<"$missing"
            if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}"; } >"$LOGS/apt.log" 2>&1; then
                tail_log "$LOGS/apt.log" 30
                die "apt-get install $missing failed"
            fi
        fi
        release_lock "$LOCK_FD"
        missing=$(missing_packages | tr '\n' ' ')
        missing=${missing% }
        [ -z "$missing" ] || die "still missing after apt-get install: $missing"
        return 0
    fi
    cat >&2 <<EOF
[lease] ERROR: these system packages are missing: $missing
  Install them (as root; Debian/Ubuntu names):
      apt-get update && apt-get install -y $missing
  postgresql: PostgreSQL server (or set PGHOST/PGPORT/PGUSER to use a running server)
  wkhtmltopdf: PDF reports; fonts-wqy-zenhei: Chinese text in PDFs;
  poppler-utils: pdftoppm; chromium: browser tests; libmagic1: python-magic.
EOF
    exit 1
}

# --------------------------------------------------------------------------- PostgreSQL
as_pg() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_running() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; }

port_free() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
# like a server: a port that only has connections in TIME_WAIT is free
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

pick_port() {
    local p
    for p in $(seq 54320 54420); do
        if port_free "$p"; then
            echo "$p"
            return
        fi
    done
    die "no free TCP port in 54320-54420 for PostgreSQL"
}

write_pg_conf() {
    local port=$1
    as_pg tee "$PGDIR/data/lease.conf" >/dev/null <<EOF
# written by scripts/lease.sh: a throwaway development/test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PGDIR/run'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    echo "$port" >"$LOCAL/pg.port"
}

# The cluster lives in .local/pg. Run as root, it belongs to the postgres OS user, who
# must be able to reach it: when the checkout is inside a folder closed to others
# (/root/...), the cluster goes to /var/tmp/lease-pg-<hash of the checkout's path>
# instead, and .local/pg is a link to it.
resolve_pgdir() {
    if [ -L "$LOCAL/pg" ]; then
        PGDIR=$(readlink "$LOCAL/pg")
    elif [ ! -e "$LOCAL/pg" ] && is_root && id postgres >/dev/null 2>&1 &&
        ! runuser -u postgres -- test -x "$ROOT"; then
        PGDIR=/var/tmp/lease-pg-$(sha 12 <<<"$ROOT")
        log "the postgres OS user cannot enter $ROOT: the cluster goes to $PGDIR (.local/pg links to it)"
        mkdir -p "$PGDIR" "$LOCAL"
        ln -sfn "$PGDIR" "$LOCAL/pg"
    fi
}

# The private cluster in .local/pg: created and started on demand. Every command that
# uses it registers in .local/pg-users; the last command to leave stops the cluster if
# one of them started it (never a cluster someone started with `run` or by hand).
ensure_cluster() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        EXTERNAL_PG=1
        find_pgbin || PGBIN=$(dirname "$(command -v psql)")
        DB_HOST=${PGHOST:-}
        DB_PORT=${PGPORT:-}
        DB_USER=${PGUSER:-}
        "$PGBIN/psql" -d postgres -XAtqc 'select 1' >/dev/null ||
            die "cannot connect to the PostgreSQL server given by PGHOST/PGPORT/PGUSER"
        return
    fi
    find_pgbin || die "PostgreSQL server binaries (initdb, pg_ctl) not found"
    if is_root && ! id postgres >/dev/null 2>&1; then
        die "running as root needs the 'postgres' OS user to own the cluster (apt-get install postgresql)"
    fi
    take_lock cluster
    resolve_pgdir
    mkdir -p "$PGDIR" "$PG_USERS"
    if is_root; then
        chmod 755 "$LOCAL"
        chown postgres: "$PGDIR"
        runuser -u postgres -- test -w "$PGDIR" ||
            die "the postgres OS user cannot write $PGDIR: the project folder must be readable (o+x) by it; clone the project elsewhere, or set PGHOST/PGPORT/PGUSER"
    fi
    if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
        log "creating the PostgreSQL cluster in .local/pg (initdb -U odoo)"
        as_pg rm -rf "$PGDIR/data"
        as_pg mkdir -p "$PGDIR/run"
        as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U odoo -A trust -E UTF8 --locale=C.UTF-8 >"$LOGS/initdb.log" 2>&1 ||
            {
                tail_log "$LOGS/initdb.log" 20
                die "initdb failed"
            }
        echo "include_if_exists = 'lease.conf'" | as_pg tee -a "$PGDIR/data/postgresql.conf" >/dev/null
        write_pg_conf "$(pick_port)"
    fi
    if ! pg_running; then
        local port
        port=$(cat "$LOCAL/pg.port" 2>/dev/null || true)
        if [ -z "$port" ] || ! port_free "$port"; then
            port=$(pick_port)
        fi
        write_pg_conf "$port"
        as_pg mkdir -p "$PGDIR/run"
        log "starting PostgreSQL on 127.0.0.1:$port"
        # the server must not inherit (and so hold forever) the lock or our output
        if ! as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgresql.log" -w -t 60 start \
            >/dev/null {LOCK_FD}>&- {OUT_FD}>&- {ERR_FD}>&-; then
            as_pg tail -n 30 "$PGDIR/postgresql.log" >&2 || true
            die "PostgreSQL did not start (log: .local/pg/postgresql.log)"
        fi
        touch "$AUTOSTOP"
    fi
    echo "$$" >"$PG_USERS/$$"
    CLUSTER_USER=1
    release_lock "$LOCK_FD"
    DB_HOST=127.0.0.1
    DB_PORT=$(cat "$LOCAL/pg.port")
    DB_USER=odoo
    export PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER
}

other_cluster_users() {
    local f pid n=0
    for f in "$PG_USERS"/*; do
        [ -e "$f" ] || continue
        pid=${f##*/}
        if [ "$pid" != $$ ] && kill -0 "$pid" 2>/dev/null; then
            n=$((n + 1))
        else
            [ "$pid" = $$ ] || rm -f "$f"
        fi
    done
    echo "$n"
}

# Sessions of other clients (a psql, an Odoo or a script started by hand).
other_connections() {
    psql_q "select count(*) from pg_stat_activity
            where backend_type = 'client backend' and pid <> pg_backend_pid()" 2>/dev/null || echo 0
}

leave_cluster() {
    [ "${CLUSTER_USER:-0}" = 1 ] || return 0
    CLUSTER_USER=0
    take_lock cluster
    rm -f "$PG_USERS/$$"
    if [ -f "$AUTOSTOP" ] && [ "$(other_cluster_users)" = 0 ] && pg_running; then
        local n
        n=$(other_connections)
        if [ "$n" = 0 ]; then
            log "stopping the PostgreSQL cluster (started on demand, no other command uses it)"
            as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null || true
            rm -f "$AUTOSTOP"
        else
            log "the PostgreSQL cluster keeps running: $n other client connection(s); 'make stop' stops it"
        fi
    fi
    release_lock "$LOCK_FD"
}

cmd_stop() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        log "PGHOST/PGPORT/PGUSER are set: that server is not ours to stop"
        return 0
    fi
    resolve_pgdir
    if ! [ -f "$PGDIR/data/PG_VERSION" ] || ! find_pgbin; then
        log "no private PostgreSQL cluster in .local/pg"
        return 0
    fi
    take_lock cluster
    if pg_running; then
        local n
        n=$(other_cluster_users)
        [ "$n" = 0 ] || log "warning: $n running lease.sh command(s) still use the cluster"
        as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null
        log "PostgreSQL cluster in .local/pg stopped"
    else
        log "PostgreSQL cluster in .local/pg is not running"
    fi
    rm -f "$AUTOSTOP"
    release_lock "$LOCK_FD"
}

psql_q() { "$PGBIN/psql" -d postgres -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
db_exists() { [ "$(psql_q "select 1 from pg_database where datname = '$1'")" = 1 ]; }
drop_db() {
    PGOPTIONS="-c client_min_messages=warning" "$PGBIN/dropdb" --if-exists --force "$1"
    rm -rf "${DATA_DIR:?}/filestore/$1"
}
module_state() { "$PGBIN/psql" -d "$1" -XAtq -c "select state from ir_module_module where name = '$2'" 2>/dev/null || true; }

# --------------------------------------------------------------------------- Odoo config
write_conf() {
    local tmp
    mkdir -p "$LOCAL" "$LOGS" "$DATA_DIR"
    tmp=$(mktemp "$CONF.XXXXXX")
    {
        echo "; written by scripts/lease.sh, do not edit (it is rewritten on every command)"
        echo "[options]"
        # (an Odoo installed with pip has no top-level addons/ folder)
        echo "addons_path = $ODOO/odoo/addons,$([ -d "$ODOO/addons" ] && echo "$ODOO/addons,")$OCA/odoo/addons,$ROOT"
        echo "data_dir = $DATA_DIR"
        [ -z "$DB_HOST" ] || echo "db_host = $DB_HOST"
        [ -z "$DB_PORT" ] || echo "db_port = $DB_PORT"
        [ -z "$DB_USER" ] || echo "db_user = $DB_USER"
        echo "http_interface = 127.0.0.1"
        echo "http_port = $LEASE_PORT"
        echo "list_db = False"
    } >"$tmp"
    if cmp -s "$tmp" "$CONF"; then rm -f "$tmp"; else mv -f "$tmp" "$CONF"; fi
}

odoo_cmd() { "$PY" -m odoo "$@"; }

# check_install_log LOG DB: fails on errors of a module install, prints warnings.
check_install_log() {
    local logf=$1 db=$2 errors warnings
    errors=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |demo data failed to install' "$logf" || true)
    warnings=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ WARNING ' "$logf" || true)
    if [ "$warnings" != 0 ]; then
        log "install of $ADDON logged $warnings warning(s):"
        grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ WARNING ' "$logf" | cut -c1-400 | head -n 20 >&2
    else
        log "install of $ADDON: 0 warnings"
    fi
    if [ "$errors" != 0 ]; then
        log "install of $ADDON logged $errors error(s):"
        grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |demo data failed to install' "$logf" | cut -c1-400 | head -n 20 >&2
        return 1
    fi
    if [ "${LEASE_STRICT:-0}" = 1 ] && [ "$warnings" != 0 ]; then
        log "LEASE_STRICT=1: warnings count as failures"
        return 1
    fi
    [ "$(module_state "$db" "$ADDON")" = installed ] || {
        log "$ADDON is not installed in $db (state: $(module_state "$db" "$ADDON"))"
        return 1
    }
}

# install_addon DB LOG: installs lease_overdue into an existing database.
install_addon() {
    local db=$1 logf=$2 rc=0 t=$SECONDS
    log "installing $ADDON into $db (log: ${logf#"$ROOT"/})"
    odoo_cmd -c "$CONF" -d "$db" -i "$ADDON" --stop-after-init --no-http >"$logf" 2>&1 || rc=$?
    if [ "$rc" != 0 ] || ! check_install_log "$logf" "$db"; then
        tail_log "$logf" 60
        log "install of $ADDON FAILED (exit code $rc)"
        return 1
    fi
    log "$ADDON installed in $((SECONDS - t))s"
}

# --------------------------------------------------------------------------- template
addon_depends() {
    [ -f "$ROOT/$ADDON/__manifest__.py" ] || die "$ADDON/__manifest__.py not found"
    python3 - "$ROOT/$ADDON/__manifest__.py" <<'EOF'
import ast, sys
manifest = ast.literal_eval(open(sys.argv[1], encoding="utf-8").read())
print(",".join(sorted(set(manifest.get("depends", [])) | {"base"})))
EOF
}

# Database with the addon's dependencies installed with demo data, reused while the
# dependency list, Odoo's source, the requirements (OCA ones included) and the recipe
# are unchanged.
ensure_template() {
    local deps inputs name build logf t
    deps=$(addon_depends)
    inputs=$(printf '%s\n' "recipe=$TEMPLATE_RECIPE" "deps=$deps" "langs=$TEST_LANGS" \
        "odoo=$ODOO $(odoo_fingerprint)" "venv=$(cat "$VENV/.lease-stamp")" \
        "oca=$(cat "$OCA/.lease-stamp")")
    if [ "$EXTERNAL_PG" = 1 ]; then
        # a shared server: the filestore of a template lives in this checkout only
        inputs+=$'\n'"server=$DB_HOST:$DB_PORT checkout=$(hostname):$ROOT"
    fi
    name=lease_tmpl_$(sha 12 <<<"$inputs")
    TEMPLATE_DB=$name
    mkdir -p "$LOCAL/templates"
    take_lock template shared
    if [ -f "$LOCAL/templates/$name" ] && db_exists "$name"; then
        release_lock "$LOCK_FD"
        log "reusing template database $name (dependencies: $deps)"
        return
    fi
    release_lock "$LOCK_FD"
    take_lock template
    if [ -f "$LOCAL/templates/$name" ] && db_exists "$name"; then
        release_lock "$LOCK_FD"
        log "reusing template database $name, just built by another command"
        return
    fi
    t=$SECONDS
    build=${name}_build_$$
    BUILD_DB=$build # dropped at exit if the build does not finish
    logf=$LOGS/template-$name.log
    log "building template database $name: $deps with demo data, languages: ${TEST_LANGS:-none} (log: ${logf#"$ROOT"/})"
    drop_db "$name"
    drop_db "$build"
    local rc=0
    local lang_opt=()
    [ -z "$TEST_LANGS" ] || lang_opt=(--load-language="$TEST_LANGS")
    odoo_cmd -c "$CONF" -d "$build" -i "$deps" --with-demo "${lang_opt[@]}" --stop-after-init --no-http >"$logf" 2>&1 || rc=$?
    local missing
    missing=$("$PGBIN/psql" -d "$build" -XAtq -c "select string_agg(name, ',') from ir_module_module
        where name = any(string_to_array('$deps', ',')) and state != 'installed'" 2>/dev/null || echo '?')
    if [ "$rc" != 0 ] || [ -n "$missing" ]; then
        tail_log "$logf" 60
        drop_db "$build"
        die "building the template database failed (exit code $rc; not installed: ${missing:-none})"
    fi
    psql_q "alter database \"$build\" rename to \"$name\""
    BUILD_DB=""
    if [ -d "$DATA_DIR/filestore/$build" ]; then
        mv "$DATA_DIR/filestore/$build" "$DATA_DIR/filestore/$name"
    fi
    # The marker says what the template was built from; keep this one and the
    # previous one (switching back and forth between two states is common).
    echo "$inputs" >"$LOCAL/templates/$name"
    local old
    # shellcheck disable=SC2012 # names are lease_tmpl_<hex>
    for old in $(cd "$LOCAL/templates" && ls -t | tail -n +3); do
        log "dropping old template database $old"
        drop_db "$old" || true
        rm -f "$LOCAL/templates/$old"
    done
    release_lock "$LOCK_FD"
    log "template database $name built in $((SECONDS - t))s"
}

# fresh_db PREFIX: copies the template into a new database named PREFIX_<pid>_<time>.
fresh_db() {
    RUN_DB=${1}_$$_$(date +%H%M%S)
    take_lock template shared
    "$PGBIN/createdb" -T "$TEMPLATE_DB" "$RUN_DB"
    release_lock "$LOCK_FD"
    if [ -d "$DATA_DIR/filestore/$TEMPLATE_DB" ]; then
        mkdir -p "$DATA_DIR/filestore"
        # Odoo never rewrites a filestore file in place: hard links are a safe copy.
        cp -al "$DATA_DIR/filestore/$TEMPLATE_DB" "$DATA_DIR/filestore/$RUN_DB" 2>/dev/null ||
            cp -a "$DATA_DIR/filestore/$TEMPLATE_DB" "$DATA_DIR/filestore/$RUN_DB"
    fi
    log "created database $RUN_DB from $TEMPLATE_DB"
}

drop_run_db() {
    [ -n "$RUN_DB" ] || return 0
    local db=$RUN_DB
    RUN_DB=""
    if [ "${KEEP_DB:-0}" = 1 ]; then
        # the database is there to be looked at: leave the cluster running
        [ "$EXTERNAL_PG" = 1 ] || rm -f "$AUTOSTOP"
        log "KEEP_DB=1: kept database $db ('make stop' stops the cluster); look at it with"
        log "  PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGUSER=${PGUSER:-} $PGBIN/psql $db   (then: ... dropdb $db)"
        log "  .venv/bin/python -m odoo shell -c ${CONF#"$ROOT"/} -d $db"
        return 0
    fi
    drop_db "$db" || log "warning: could not drop database $db"
}

# --------------------------------------------------------------------------- setup
on_exit() {
    local rc=$?
    set +e
    exec 1>&"$OUT_FD" 2>&"$ERR_FD"
    [ -z "$BUILD_DB" ] || drop_db "$BUILD_DB"
    drop_run_db
    leave_cluster
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

setup() {
    mkdir -p "$LOGS" "$LOCKS"
    find_odoo
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then EXTERNAL_PG=1; fi
    check_system
    setup_venv
    ensure_cluster
    write_conf
    export LEASE_ODOO_CONF=$CONF
    find "$LOGS" -type f -mtime +7 -delete 2>/dev/null || true
}

# --------------------------------------------------------------------------- commands
cmd_lint() {
    find_odoo
    setup_venv
    run_linters
}

run_linters() {
    local rc=0
    cd "$ROOT"
    log "ruff check"
    "$VENV/bin/ruff" check --output-format=concise . || {
        rc=1
        log "details and fixes: .venv/bin/ruff check . [--fix]"
    }
    log "ruff format --check"
    "$VENV/bin/ruff" format --check --output-format=concise . || {
        rc=1
        log "fix the formatting with: .venv/bin/ruff format ."
    }
    log "pylint --load-plugins=pylint_odoo $ADDON (mandatory checks, see .pylintrc)"
    "$VENV/bin/pylint" --rcfile="$ROOT/.pylintrc" "$ADDON" || rc=1
    if [ "$rc" = 0 ]; then log "lint: OK"; else log "lint: FAILED"; fi
    return "$rc"
}

ok_word() { if [ "$1" = 0 ]; then echo OK; else echo FAILED; fi; }

# pytest_counts JUNIT_XML: "passed failed skipped" from pytest's JUnit XML report (errors
# count as failed); "0 0 0" when pytest wrote none (it did not start, or crashed).
pytest_counts() {
    "$PY" - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 0, 0)
    sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total, failed, errors, skipped = (
    sum(int(s.get(key, 0)) for s in suites)
    for key in ("tests", "failures", "errors", "skipped")
)
failed += errors
print(max(total - failed - skipped, 0), failed, skipped)
EOF
}

cmd_test() {
    local t0=$SECONDS rc_install=0 rc_pytest=0 rc_lint=0 summary="" plog junit
    setup
    ensure_template
    fresh_db lease_test
    mkdir -p "$LOGS"
    install_addon "$RUN_DB" "$LOGS/install-$RUN_DB.log" || rc_install=1
    plog=$LOGS/pytest-$RUN_DB.log
    junit=$LOGS/pytest-$RUN_DB.xml
    rm -f "$junit"
    if [ "$rc_install" = 0 ]; then
        log "pytest --odoo-http ${*:-tests/} on $RUN_DB (log: ${plog#"$ROOT"/})"
        cd "$ROOT"
        set +e
        # a test waiting on a row lock held by its own transaction would hang until the
        # CI time limit: make such a wait fail after LEASE_LOCK_TIMEOUT instead
        PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c lock_timeout=${LEASE_LOCK_TIMEOUT:-120s}" \
            "$VENV/bin/pytest" --odoo-config="$CONF" --odoo-database="$RUN_DB" --odoo-http \
            --odoo-log-level=warn --junitxml="$junit" "$@" 2>&1 | tee "$plog"
        # The verdict is pytest's exit status (0: every test passed; 1: a test failed;
        # 2-4: interrupted, internal or usage error; 5: no test collected).
        rc_pytest=${PIPESTATUS[0]}
        set -e
        # shown again at the end, never read: the counts come from the JUnit XML report
        summary=$(grep -E '^=+ .*( passed| failed| error| skipped| no tests ran| deselected).* in [0-9.]+s.* =+$' "$plog" | tail -n 1 || true)
        [ "$rc_pytest" != 5 ] || log "pytest collected no test (exit code 5): that is a failure"
    fi
    run_linters || rc_lint=1
    drop_run_db
    leave_cluster

    local passed failed skipped
    read -r passed failed skipped < <(pytest_counts "$junit")
    if [ "$rc_install" = 0 ] && [ "$rc_pytest" = 0 ] && [ "$passed" = 0 ]; then
        log "no test passed: that is a failure"
        rc_pytest=1
    fi
    local pytest_word="FAILED (exit $rc_pytest)"
    [ "$rc_pytest" != 0 ] || pytest_word=OK
    [ "$rc_install" = 0 ] || pytest_word="not run"
    echo
    log "install: $(ok_word "$rc_install"), pytest: $pytest_word, lint: $(ok_word "$rc_lint"), $((SECONDS - t0))s in all"
    [ -z "$summary" ] || echo "$summary"
    echo "tests: $passed passed, $failed failed, $skipped skipped"
    [ "$rc_install" = 0 ] && [ "$rc_pytest" = 0 ] && [ "$rc_lint" = 0 ]
}

cmd_run() {
    local logf rc=0 state
    setup
    # a cluster this command starts stays up for the next `run`: `make stop` stops it
    rm -f "$AUTOSTOP"
    port_free "$LEASE_PORT" || die "port $LEASE_PORT is in use on 127.0.0.1: stop that server or set LEASE_PORT"
    state=""
    if db_exists "$LEASE_DB"; then
        state=$(module_state "$LEASE_DB" "$ADDON")
        if [ "$state" != installed ]; then
            log "database $LEASE_DB exists but $ADDON is not installed in it ($state): creating it again"
            drop_db "$LEASE_DB"
        fi
    fi
    local update=()
    if ! db_exists "$LEASE_DB"; then
        logf=$LOGS/run-$LEASE_DB-create.log
        log "creating the demo database $LEASE_DB: $ADDON with demo data, Odoo's Chinese chart of accounts (l10n_cn), language zh_CN (log: ${logf#"$ROOT"/}); takes a few minutes"
        # l10n_cn loads before the addon (same depth, name first): the addon's demo turns
        # the main company into a Chinese one on the l10n_cn chart, in CNY
        odoo_cmd -c "$CONF" -d "$LEASE_DB" -i "l10n_cn,$ADDON" --with-demo --load-language=zh_CN \
            --stop-after-init --no-http >"$logf" 2>&1 || rc=$?
        if [ "$rc" != 0 ] || ! check_install_log "$logf" "$LEASE_DB"; then
            tail_log "$logf" 60
            drop_db "$LEASE_DB" || true
            die "creating the demo database failed"
        fi
        log "setting Chinese (zh_CN) as the language of every user"
        odoo_cmd shell -c "$CONF" -d "$LEASE_DB" --no-http >>"$logf" 2>&1 <<'EOF' || log "warning: could not set the users' language (see $logf)"
env["res.users"].with_context(active_test=False).search([]).write({"lang": "zh_CN"})
env["ir.default"].set("res.partner", "lang", "zh_CN")
env.cr.commit()
EOF
    elif [ "${LEASE_UPDATE:-1}" = 1 ]; then
        update=(-u "$ADDON")
    fi
    logf=$LOGS/run-$LEASE_DB.log
    log "starting Odoo on http://127.0.0.1:$LEASE_PORT (database $LEASE_DB${update:+, updating $ADDON}; log: ${logf#"$ROOT"/})"
    # Odoo is started directly (not through the odoo_cmd function, whose subshell would
    # stand between): $! is Odoo itself, so Ctrl-C, a TERM to `make run` or to this
    # script stops it. setpriv's parent-death signal stops it even when this script is
    # killed with SIGKILL; the loop below stops it when `make` (our parent) goes away.
    local deathsig=()
    if command -v setpriv >/dev/null 2>&1; then
        deathsig=(setpriv --pdeathsig TERM)
    fi
    # tee is this script's child, not Odoo's (Odoo warns of children at shutdown)
    local teefd
    exec {teefd}> >(tee -a "$logf")
    "${deathsig[@]}" "$PY" -m odoo -c "$CONF" -d "$LEASE_DB" --db-filter="^$LEASE_DB\$" \
        --http-port="$LEASE_PORT" "${update[@]}" >&"$teefd" 2>&1 &
    exec {teefd}>&-
    local pid=$! parent=$PPID up=0 _
    trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 130' INT
    trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 143' TERM
    trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 129' HUP
    while kill -0 "$pid" 2>/dev/null; do
        if ! kill -0 "$parent" 2>/dev/null || [ "$(ps -o ppid= -p $$ | tr -d ' ')" != "$parent" ]; then
            log "the command that started this one is gone: stopping Odoo"
            kill -TERM "$pid" 2>/dev/null
            break
        fi
        if [ "$up" = 0 ] && curl -fsS -o /dev/null "http://127.0.0.1:$LEASE_PORT/web/login" 2>/dev/null; then
            banner
            up=1
        fi
        sleep 1 &
        wait $! || true
    done
    wait "$pid" || rc=$?
    trap - INT TERM
    [ "$rc" = 0 ] || [ "$rc" = 130 ] || {
        tail_log "$logf" 40
        die "Odoo exited with code $rc"
    }
    log "Odoo stopped; the PostgreSQL cluster keeps running: 'make stop' stops it"
}

banner() {
    local logins=$ROOT/$ADDON/data/DEMO_LOGINS.txt
    {
        echo
        echo "=================================================================="
        echo " lease_overdue demo is up:  http://127.0.0.1:$LEASE_PORT/web/login"
        echo " database: $LEASE_DB"
        echo " logins (user / password):"
        if [ -f "$logins" ]; then
            sed 's/^/   /' "$logins"
        else
            echo "   admin / admin"
        fi
        echo " stop: Ctrl-C, then 'make stop' to stop the database cluster"
        echo "=================================================================="
        echo
    } >&2
}

cmd_bench() {
    local script rc=0 list=()
    setup
    cd "$ROOT"
    if [ $# -gt 0 ]; then
        script=$1
        shift
        [ -f "$script" ] || script=bench/${script#bench/}
        [ -f "$script" ] || die "no bench script $1 (bench/ holds: $(cd bench 2>/dev/null && echo *.py))"
        list=("$script")
    else
        for script in bench/*.py; do [ -f "$script" ] && list+=("$script"); done
        [ ${#list[@]} -gt 0 ] || die "no bench/*.py script yet"
    fi
    ensure_template
    fresh_db lease_bench
    install_addon "$RUN_DB" "$LOGS/install-$RUN_DB.log" || exit 1
    export LEASE_DB_NAME=$RUN_DB LEASE_TEMPLATE_DB=$TEMPLATE_DB LEASE_ROOT=$ROOT
    for script in "${list[@]}"; do
        log "bench: $PY $script $*"
        "$PY" "$script" "$@" || rc=$?
    done
    return "$rc"
}

usage() {
    cat <<'EOF'
usage: scripts/lease.sh COMMAND [ARGS]     (or: make run | test | lint | bench | stop)

  run                 create (once) the demo database LEASE_DB with lease_overdue and its
                      demo data in Chinese (a Shanghai company on Odoo's l10n_cn chart, in
                      CNY), then serve it on http://127.0.0.1:LEASE_PORT
  test [pytest args]  copy a cached template database, install lease_overdue into it,
                      run pytest (tests/ by default) and the linters; exit 1 on any failure
  lint                ruff check, ruff format --check, pylint with pylint-odoo
  bench [SCRIPT ARGS] run bench/SCRIPT (default: every bench/*.py) with .venv's python
                      against a fresh database (env: LEASE_ODOO_CONF, LEASE_DB_NAME)
  stop                stop the private PostgreSQL cluster in .local/pg

environment:
  ODOO_PATH           Odoo 19 source folder (holding odoo/ and addons/); default: the
                      odoo that python3 imports, else .local/odoo
  LEASE_DB            demo database of `run` (lease_demo)
  LEASE_PORT          HTTP port of `run` (8069)
  LEASE_UPDATE=0      `run` does not update lease_overdue in an existing demo database
  KEEP_DB=1           `test`/`bench` keep their database instead of dropping it
  LEASE_STRICT=1      warnings while installing lease_overdue fail `test`
  LEASE_LOCK_TIMEOUT  during pytest, a wait for a database lock fails after this (120s)
  LEASE_TEST_LANGS    languages loaded in the test template (zh_CN; empty for none)
  LEASE_PYTHON        Python 3.11 interpreter for .venv
  PGHOST PGPORT PGUSER PGPASSWORD   use that PostgreSQL server instead of .local/pg
EOF
}

main() {
    local cmd=${1:-help}
    [ $# -gt 0 ] && shift
    case "$cmd" in
    run) cmd_run "$@" ;;
    test) cmd_test "$@" ;;
    lint) cmd_lint "$@" ;;
    bench) cmd_bench "$@" ;;
    stop) cmd_stop ;;
    help | -h | --help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
}

# on one line: bash reads a script as it runs, so a `make test` still running when
# this file is edited (git pull, checkout) must not read past this point
main "$@"; exit
