#!/usr/bin/env bash
# End-to-end benchmarks of issue 8: authroute against its peers over real HTTP on loopback.
# Run `bench/run.sh help` for the modes and settings.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/run.sh [load|routes|memory|help]

  load    (default) one table, medians over ROUNDS rounds, servers run in turn each round:
            (a) authroute, auth = "jwt_bench"     GET /jwt/whoami
            (b) authroute, auth = "none"          GET /none/whoami   (same binary)
            (c) axum 0.8 + jsonwebtoken extractor GET /jwt/whoami
            (d) jwt-authorizer (axum 0.7)         GET /jwt/whoami
            (e) bare hyper, no routing, no auth   (the ceiling)
            (f) authroute, auth = "jwt_bench"     GET /jwt/constant  (the handler of (b))
  routes  bench-authroute with 10, 1 000 and 10 000 extra routes: GET /extra/7/items/42
          (auth = "none") and GET /jwt/whoami
  memory  VmRSS of the idle demo; VmRSS of bench-authroute holding IDLE_CONNS idle
          keep-alive connections

Server pinned to CPU SERVER_CPU, `wrk -t1 -cCONNECTIONS` pinned to CPU LOAD_CPU, keep-alive,
WARMUP seconds of warmup then DURATION seconds measured. Raw numbers: bench/results/*.csv.

environment (default): ROUNDS (3), DURATION (10), WARMUP (2), CONNECTIONS (64),
  ROWS ("a b c d e f"), IDLE_CONNS (10000), SERVER_CPU (0), LOAD_CPU (1),
  CARGO_TARGET_DIR (bench/servers/target)
EOF
}

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
MODE=${1:-load}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-64}
ROWS=${ROWS:-a b c d e f}
IDLE_CONNS=${IDLE_CONNS:-10000}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
TARGET=${CARGO_TARGET_DIR:-$BENCH/servers/target}
BIN=$TARGET/release
RESULTS=$BENCH/results
STAMP=$(date +%Y%m%d-%H%M%S)
WORK=$(mktemp -d)
BODY='{"sub":"bench-user"}'
SERVER_PID=""

cleanup() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
# `exit` runs the EXIT trap, so an interrupted run leaves no server behind either.
trap 'exit 130' INT TERM

die() {
    echo "error: $*" >&2
    exit 1
}

check_tools() {
    command -v wrk >/dev/null || die "wrk is not installed: apt-get install wrk"
    local tool
    for tool in taskset curl python3 cargo; do
        command -v "$tool" >/dev/null || die "$tool is not installed"
    done
}

build_servers() {
    echo "building the servers (release, target dir $TARGET)" >&2
    CARGO_TARGET_DIR=$TARGET nice -n 10 cargo build --release --quiet \
        --manifest-path "$BENCH/servers/Cargo.toml"
    TOKEN=$("$BIN/mint-token")
}

machine() {
    echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPUs, Linux $(uname -r)"
    echo "tools: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(rustc --version)"
    local busy
    busy=$(busy_percent)
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); CPUs ${busy}% busy before the run"
    # The load average lags by minutes, so the warning samples /proc/stat instead. The CSV rows
    # still record the 1-minute load average (this script's own server and wrk add 1 to 2).
    if ((busy > 10)); then
        echo "warning: other processes are using the CPUs; the figures will be noisy" >&2
    fi
}

busy_percent() { # share of the last second the CPUs spent on anything but idle and iowait
    local a b
    a=$(head -1 /proc/stat)
    sleep 1
    b=$(head -1 /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN {
        split(a, x); split(b, y); total = 0
        for (i = 2; i <= 9; i++) total += y[i] - x[i]
        idle = (y[5] - x[5]) + (y[6] - x[6])
        printf "%d", total ? 100 * (total - idle) / total : 0
    }'
}

settings() {
    echo "token: ${#TOKEN} bytes HS256; server on CPU $SERVER_CPU, wrk -t1 -c$CONNECTIONS on CPU $LOAD_CPU, ${WARMUP}s warmup + ${DURATION}s measured, $ROUNDS round(s)"
    echo
}

# start_server LOG BINARY ARGS...: starts a bench server pinned to SERVER_CPU and waits for the
# "listening on" line it prints once bound; sets SERVER_PID and STARTUP_MS.
start_server() {
    local log=$1 name=$2 started waited=0
    shift
    : >"$log" # exists before the first grep below, which may run before the server starts
    started=$(date +%s%N)
    taskset -c "$SERVER_CPU" "$@" >>"$log" 2>&1 &
    SERVER_PID=$!
    until grep -q '^listening on' "$log"; do
        kill -0 "$SERVER_PID" 2>/dev/null || die "$(basename "$name") exited: $(cat "$log")"
        ((waited++ < 6000)) || die "$(basename "$name") did not start within 60 s"
        sleep 0.01
    done
    STARTUP_MS=$((($(date +%s%N) - started) / 1000000))
}

stop_server() {
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

vm_kib() { # FIELD: VmRSS or VmHWM of the running server, in KiB
    awk -v field="$1:" '$1 == field { print $2 }' "/proc/$SERVER_PID/status"
}

# check_route URL NEEDS_TOKEN: the exact body and content type with the token and, on routes
# that need one, 401 without it, so that no row ever measures an error path.
check_route() {
    local url=$1 needs_token=$2 got code
    got=$(curl -sS --max-time 5 -H "Authorization: Bearer $TOKEN" \
        -w '\n%{http_code} %{content_type}' "$url")
    [[ $got == "$BODY"$'\n''200 application/json' ]] ||
        die "$url answered, with the token: $got"
    if [[ $needs_token == yes ]]; then
        code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$url")
        [[ $code == 401 ]] || die "$url answered $code without a token, expected 401"
    fi
}

# measure URL LOG: warmup, then the measured run; sets RPS, P50 and P99 (microseconds).
measure() {
    local url=$1 log=$2 parsed
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" \
        -H "Authorization: Bearer $TOKEN" "$url" >/dev/null
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -H "Authorization: Bearer $TOKEN" "$url" >"$log"
    parsed=$(python3 "$BENCH/report.py" wrk "$log")
    read -r RPS P50 P99 <<<"$parsed"
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# row KEY: sets LABEL, SERVER, ADDR, ROUTE and NEEDS_TOKEN of one row of the load table.
row() {
    case $1 in
    a) LABEL='authroute jwt_bench' SERVER=bench-authroute ADDR=127.0.0.1:18081 ROUTE=/jwt/whoami NEEDS_TOKEN=yes ;;
    b) LABEL='authroute none' SERVER=bench-authroute ADDR=127.0.0.1:18081 ROUTE=/none/whoami NEEDS_TOKEN=no ;;
    c) LABEL='axum 0.8 + jsonwebtoken 11' SERVER=peer-axum ADDR=127.0.0.1:18082 ROUTE=/jwt/whoami NEEDS_TOKEN=yes ;;
    d) LABEL='jwt-authorizer 0.15 (axum 0.7)' SERVER=peer-jwt-authorizer ADDR=127.0.0.1:18083 ROUTE=/jwt/whoami NEEDS_TOKEN=yes ;;
    e) LABEL='bare hyper 1 (ceiling)' SERVER=peer-hyper ADDR=127.0.0.1:18084 ROUTE=/jwt/whoami NEEDS_TOKEN=no ;;
    f) LABEL='authroute jwt_bench with the handler of (b)' SERVER=bench-authroute ADDR=127.0.0.1:18081 ROUTE=/jwt/constant NEEDS_TOKEN=yes ;;
    *) die "unknown row $1 (rows are a b c d e f)" ;;
    esac
}

mode_load() {
    local out=$RESULTS/load-$STAMP csv round key
    mkdir -p "$out"
    csv=$out.csv
    echo "round,row,server,url,rps,p50_us,p99_us,peak_rss_kib,load1" >"$csv"
    machine
    settings
    for round in $(seq 1 "$ROUNDS"); do
        for key in $ROWS; do
            row "$key"
            start_server "$out/server-$key-$round.log" "$BIN/$SERVER" "$ADDR"
            check_route "http://$ADDR$ROUTE" "$NEEDS_TOKEN"
            measure "http://$ADDR$ROUTE" "$out/wrk-$key-$round.txt"
            echo "$round,$key,$LABEL,$ROUTE,$RPS,$P50,$P99,$(vm_kib VmHWM),$(load1)" >>"$csv"
            echo "round $round ($key) $LABEL: $RPS req/s, p50 $P50 us, p99 $P99 us" >&2
            stop_server
        done
    done
    python3 "$BENCH/report.py" load "$csv"
    echo
    echo "raw: $csv"
}

mode_routes() {
    local out=$RESULTS/routes-$STAMP csv round n addr=127.0.0.1:18081
    mkdir -p "$out"
    csv=$out.csv
    echo "round,routes,kind,url,rps,p50_us,p99_us,peak_rss_kib,startup_ms,load1" >"$csv"
    machine
    settings
    for round in $(seq 1 "$ROUNDS"); do
        for n in 10 1000 10000; do
            start_server "$out/server-$n-$round.log" "$BIN/bench-authroute" "$addr" --extra-routes "$n"
            check_route "http://$addr/extra/7/items/42" no
            check_route "http://$addr/jwt/whoami" yes
            measure "http://$addr/extra/7/items/42" "$out/wrk-$n-extra-$round.txt"
            echo "$round,$n,extra,/extra/7/items/42,$RPS,$P50,$P99,$(vm_kib VmHWM),$STARTUP_MS,$(load1)" >>"$csv"
            echo "round $round, $n routes, /extra/7/items/42: $RPS req/s" >&2
            measure "http://$addr/jwt/whoami" "$out/wrk-$n-jwt-$round.txt"
            echo "$round,$n,jwt,/jwt/whoami,$RPS,$P50,$P99,$(vm_kib VmHWM),$STARTUP_MS,$(load1)" >>"$csv"
            echo "round $round, $n routes, /jwt/whoami: $RPS req/s" >&2
            stop_server
        done
    done
    python3 "$BENCH/report.py" routes "$csv"
    echo
    echo "raw: $csv"
}

# demo_rss DB LOG: starts the demo on DB, waits for port 8069, sets DEMO_RSS and DEMO_HWM.
demo_rss() {
    local waited=0
    AUTHROUTE_DB=$1 AUTHROUTE_ADDR=127.0.0.1:8069 \
        taskset -c "$SERVER_CPU" "$TARGET/release/examples/demo" >"$2" 2>&1 &
    SERVER_PID=$!
    until curl -s -o /dev/null --max-time 1 http://127.0.0.1:8069/; do
        kill -0 "$SERVER_PID" 2>/dev/null || die "the demo exited: $(cat "$2")"
        ((waited++ < 600)) || die "the demo did not answer on port 8069 within 60 s"
        sleep 0.1
    done
    sleep 1 # let startup work (the JWKS fetch attempt) settle
    DEMO_RSS=$(vm_kib VmRSS)
    DEMO_HWM=$(vm_kib VmHWM)
    stop_server
}

mode_memory() {
    local csv=$RESULTS/memory-$STAMP.csv seeded_rss seeded_hwm
    mkdir -p "$RESULTS"
    machine
    echo

    # (1) The idle demo. Its first start on a new SQLite file seeds the users, hashing two
    # passwords with argon2 (19 MiB each); a restart on the seeded file does not.
    echo "building the demo (release)" >&2
    (cd "$ROOT" && CARGO_TARGET_DIR=$TARGET nice -n 10 cargo build --release --quiet --example demo)
    demo_rss "$WORK/demo.sqlite3" "$WORK/demo-1.log"
    seeded_rss=$DEMO_RSS seeded_hwm=$DEMO_HWM
    demo_rss "$WORK/demo.sqlite3" "$WORK/demo-2.log"

    # (2) bench-authroute holding IDLE_CONNS idle keep-alive connections: every connection
    # needs a descriptor in the server and in the client.
    ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    (($(ulimit -n) > IDLE_CONNS + 64)) ||
        die "open files limit $(ulimit -n) is too low for $IDLE_CONNS connections"
    start_server "$WORK/server.log" "$BIN/bench-authroute" 127.0.0.1:18081
    check_route http://127.0.0.1:18081/none/whoami no
    local idle
    idle=$(python3 "$BENCH/idle_conns.py" "$SERVER_PID" --count "$IDLE_CONNS" --addr 127.0.0.1:18081)
    stop_server
    local before after per open still
    before=$(sed -n 's/^rss_before_kib=//p' <<<"$idle")
    after=$(sed -n 's/^rss_after_kib=//p' <<<"$idle")
    per=$(sed -n 's/^per_connection_kib=//p' <<<"$idle")
    open=$(sed -n 's/^open_seconds=//p' <<<"$idle")
    still=$(sed -n 's/^still_open=//p' <<<"$idle")

    {
        echo "measure,kib"
        echo "demo_first_start_vmrss,$seeded_rss"
        echo "demo_first_start_vmhwm,$seeded_hwm"
        echo "demo_restart_vmrss,$DEMO_RSS"
        echo "demo_restart_vmhwm,$DEMO_HWM"
        echo "bench_authroute_vmrss_before,$before"
        echo "bench_authroute_vmrss_with_${IDLE_CONNS}_idle_conns,$after"
        echo "per_connection,$per"
    } >"$csv"
    mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
    echo "| measurement | VmRSS |"
    echo "|---|---:|"
    echo "| demo, idle after its first start (seeds users: 2 argon2 hashes; peak $(mib "$seeded_hwm") MiB) | $(mib "$seeded_rss") MiB |"
    echo "| demo, idle after a restart on the seeded database (peak $(mib "$DEMO_HWM") MiB) | $(mib "$DEMO_RSS") MiB |"
    echo "| bench-authroute, no connection | $(mib "$before") MiB |"
    echo "| bench-authroute, $IDLE_CONNS idle keep-alive connections | $(mib "$after") MiB |"
    echo "| per idle connection | $per KiB |"
    echo
    echo "$IDLE_CONNS connections opened and served in ${open}s; $still still open when measured"
    echo "raw: $csv"
}

case $MODE in
help | -h | --help)
    usage
    exit 0
    ;;
load | routes | memory) ;;
*)
    usage >&2
    exit 2
    ;;
esac
check_tools
build_servers
"mode_$MODE"
