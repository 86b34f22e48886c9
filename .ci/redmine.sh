#!/usr/bin/env bash
# A throwaway Redmine 5 (Debian packages) for relplan's integration tests and benchmark.
#
#   .ci/redmine.sh install              install redmine, redmine-sqlite, ruby-webrick, puma
#                                       (idempotent)
#   .ci/redmine.sh start DIR [PORT]     fresh sqlite instance in DIR, server on 127.0.0.1:PORT:
#                                       WEBrick (one process), or with REDMINE_WORKERS=N a
#                                       puma cluster of N processes, as production Redmines run
#   .ci/redmine.sh seed DIR [COUNT] [PROJECT]
#                                       bulk-insert COUNT issues (tests/redmine/seed.rb);
#                                       writes DIR/manifest-PROJECT.json
#   .ci/redmine.sh stop DIR             stop the server and remove the instance link
#   .ci/redmine.sh available            exit 0 when the packages are installed
#
# After `start`, DIR holds `url`, `api_key` (the admin's key; a test secret of a throwaway
# instance), `server.pid`, `server.log` and `instance/` (database, config, logs).
# `start` on a DIR whose server runs already just prints its URL. The server binds
# 127.0.0.1 only. Needs root (apt, and the instance link under /var/lib/redmine).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REDMINE=/usr/share/redmine
PACKAGES=(redmine redmine-sqlite ruby-webrick)
EXTRA=(puma)  # only the benchmark's multi-process server needs it

say() { echo "redmine.sh: $*" >&2; }

available() {
    dpkg-query -W -f='${Status}\n' "${PACKAGES[@]}" 2>/dev/null | grep -c "install ok installed" \
        | grep -qx "${#PACKAGES[@]}"
}

install() {
    if available && command -v puma >/dev/null; then say "already installed"; return 0; fi
    debconf-set-selections <<'EOF'
redmine redmine/instances/default/dbconfig-install boolean true
redmine redmine/instances/default/database-type select sqlite3
EOF
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${PACKAGES[@]}" "${EXTRA[@]}"
}

instance_name() {  # one instance name per DIR, stable across calls
    echo "relplan-$(echo -n "$(realpath "$1")" | sha1sum | cut -c1-12)"
}

rails() {  # rails() DIR ARGS...: run a Redmine command against DIR's instance
    local dir="$1"; shift
    (cd "$REDMINE" && REDMINE_INSTANCE="$(instance_name "$dir")" RAILS_ENV=production \
        REDMINE_LANG=en "$@")
}

make_instance() {
    local dir="$1" inst="$1/instance"
    mkdir -p "$inst"/{config,log,files,tmp/cache,public,db}
    ln -sfn "$inst" "/var/lib/redmine/$(instance_name "$dir")"
    if [[ ! -s "$inst/config/database.yml" ]]; then
        printf 'production:\n  adapter: sqlite3\n  database: %s\n  timeout: 10000\n  encoding: utf8\n' \
            "$inst/db/redmine.sqlite3" > "$inst/config/database.yml"
        head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$inst/config/secret_key.txt"
    fi
    if [[ ! -s "$dir/api_key" ]]; then
        rails "$dir" bin/rake db:migrate > "$dir/setup.log" 2>&1
        rails "$dir" bin/rake redmine:load_default_data >> "$dir/setup.log" 2>&1
        rails "$dir" bin/rails runner "$HERE/tests/redmine/setup.rb" 2>>"$dir/setup.log" \
            | tail -1 > "$dir/api_key.tmp"
        grep -qE '^[0-9a-f]{40}$' "$dir/api_key.tmp" || { say "no API key; see $dir/setup.log"; exit 1; }
        chmod 600 "$dir/api_key.tmp" && mv "$dir/api_key.tmp" "$dir/api_key"
    fi
}

running() {
    [[ -s "$1/server.pid" ]] && kill -0 "$(cat "$1/server.pid")" 2>/dev/null
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir="${1:?usage: start DIR [PORT]}" port="${2:-}"
    mkdir -p "$dir"; dir="$(realpath "$dir")"
    if running "$dir"; then cat "$dir/url"; return 0; fi
    available || { say "Redmine is not installed; run: $0 install"; exit 3; }
    make_instance "$dir"
    port="${port:-$(free_port)}"
    local server=(ruby -rwebrick bin/rails server -u webrick -b 127.0.0.1 -p "$port"
                  -P "$dir/instance/tmp/rails.pid")
    if [[ "${REDMINE_WORKERS:-0}" -gt 0 ]] && command -v puma >/dev/null; then
        server=(puma -w "$REDMINE_WORKERS" -t "1:${REDMINE_THREADS:-4}" --preload -e production
                -b "tcp://127.0.0.1:$port" config.ru)
    fi
    # exec all the way down, so $! is the server itself (setsid: no ctrl+c from our terminal)
    (cd "$REDMINE" && exec env REDMINE_INSTANCE="$(instance_name "$dir")" RAILS_ENV=production \
        setsid "${server[@]}") > "$dir/server.log" 2>&1 < /dev/null &
    echo $! > "$dir/server.pid"
    echo "http://127.0.0.1:$port" > "$dir/url"
    for _ in $(seq 1 240); do  # up to a minute on a busy machine
        if curl -fs -o /dev/null "http://127.0.0.1:$port/"; then cat "$dir/url"; return 0; fi
        running "$dir" || break
        sleep 0.25
    done
    say "server did not come up; see $dir/server.log"; tail -20 "$dir/server.log" >&2; stop "$dir"; exit 1
}

seed() {
    local dir="${1:?usage: seed DIR [COUNT] [PROJECT]}" count="${2:-130}" project="${3:-relplan}"
    dir="$(realpath "$dir")"
    rails "$dir" env SEED_COUNT="$count" SEED_PROJECT="$project" \
        SEED_MANIFEST="$dir/manifest-$project.json" bin/rails runner "$HERE/tests/redmine/seed.rb"
}

stop() {
    local dir="${1:?usage: stop DIR}"
    dir="$(realpath "$dir")"
    if running "$dir"; then
        local pid; pid="$(cat "$dir/server.pid")"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/server.pid" "/var/lib/redmine/$(instance_name "$dir")"
}

cmd="${1:-}"; shift || true
case "$cmd" in
    install) install ;;
    available) available ;;
    start) start "$@" ;;
    seed) seed "$@" ;;
    stop) stop "$@" ;;
    *) echo "usage: $0 install|available|start DIR [PORT]|seed DIR [COUNT] [PROJECT]|stop DIR" >&2; exit 2 ;;
esac
