#!/usr/bin/env bash
# Runs every fuzz target for FUZZ_SECONDS (default 600), PARALLEL (default 2) at a time, each
# on its own corpus (fuzz/corpus/<target>, grown from fuzz/seeds/<target>). Needs the nightly
# toolchain and cargo-fuzz: `rustup toolchain install nightly && cargo install cargo-fuzz`.
# Logs go to fuzz/logs/<target>.log; the last line of each is libFuzzer's "Done N runs in T s".
# A crash stops its target and leaves the input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-600}"
parallel="${PARALLEL:-2}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(auth_header token_policy jwks_parse route_path rpc_envelope)
fi
cargo +nightly fuzz build -O
mkdir -p logs
run_one() {
    local target="$1"
    mkdir -p "corpus/$target"
    cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 \
        >"logs/$target.log" 2>&1 && status=ok || status="FAILED (see logs/$target.log)"
    printf '%-14s %s: %s\n' "$target" "$(grep -E '^Done [0-9]+ runs' "logs/$target.log" || echo 'no summary')" "$status"
}
for target in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do
        wait -n || true
    done
    run_one "$target" &
done
wait
