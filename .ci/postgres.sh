#!/usr/bin/env bash
# A throw-away PostgreSQL for the server tests: Debian's package (installed when missing), a new
# cluster in DIR on 127.0.0.1:PORT, a random password, one database.
#
#   bash .ci/postgres.sh start DIR PORT    # writes the SQLAlchemy URL to DIR/url
#   bash .ci/postgres.sh stop DIR          # stops it (safe to call whatever state it is in)
#
# PostgreSQL refuses to run as root: as root, the cluster belongs to the package's own `postgres`
# user and every server command runs as that user.
set -euo pipefail
command=${1:?start DIR PORT | stop DIR}
dir=$(realpath -m "${2:?the cluster folder}")

bindir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_cluster() {
    local port bin password version
    port=$1
    if ! bindir >/dev/null; then
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update -qq
        $SUDO apt-get install -y -qq postgresql
    fi
    bin=$(bindir)
    rm -rf "$dir" && mkdir -p "$dir/socket"
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$password" > "$dir/pwfile"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$dir"
        runuser -u postgres -- test -r "$dir/pwfile" \
            || { echo "the postgres user cannot reach $dir: choose a folder every user may enter" >&2; exit 1; }
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U cqc --pwfile="$dir/pwfile" --auth=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off" start > /dev/null \
        || { cat "$dir/server.log"; exit 1; }
    PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U cqc cqc
    echo "postgresql+psycopg://cqc:$password@127.0.0.1:$port/cqc" > "$dir/url"
    version=$("$bin/postgres" --version)
    echo "$version on 127.0.0.1:$port, cluster in $dir"
}

stop_cluster() {
    local bin
    if [ -f "$dir/data/postmaster.pid" ] && bin=$(bindir); then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null 2>&1 || true
    fi
}

case "$command" in
start) start_cluster "${3:?the port}" ;;
stop) stop_cluster ;;
*) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
