#!/usr/bin/env python3
"""Parsing and tables for bench/run.sh.

  report.py wrk FILE       one `wrk --latency` output -> `rps p50_us p99_us` (exit 1 on non-2xx)
  report.py load CSV       medians over rounds of the load rows, ratios against row (a)
  report.py routes CSV     medians over rounds of the route-count runs
"""

import csv
import re
import statistics
import sys

# wrk prints latencies with these units (src/units.c: time units in microseconds).
UNITS_US = {"us": 1.0, "ms": 1_000.0, "s": 1_000_000.0, "m": 60_000_000.0, "h": 3_600_000_000.0}


def to_us(text):
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"unrecognised wrk latency `{text}`")
    return float(match.group(1)) * UNITS_US[match.group(2)]


def parse_wrk(path):
    text = open(path).read()
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    if not (rps and p50 and p99):
        sys.exit(f"error: cannot parse wrk output {path} (was --latency given?)")
    # Never report an error path as a throughput figure.
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if non2xx:
        sys.exit(f"error: {non2xx.group(1)} non-2xx responses in {path}")
    errors = re.search(r"Socket errors: (.*)", text)
    if errors:
        print(f"warning: wrk socket errors ({errors.group(1)}) in {path}", file=sys.stderr)
    print(f"{float(rps.group(1)):.0f} {to_us(p50.group(1)):.0f} {to_us(p99.group(1)):.0f}")


def median(rows, key):
    return statistics.median(float(row[key]) for row in rows)


def markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def group(path, key):
    groups = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            groups.setdefault(row[key], []).append(row)
    return groups


def load_table(path):
    groups = group(path, "row")
    base = median(groups["a"], "rps") if "a" in groups else None
    out = []
    for key in sorted(groups):
        rows = groups[key]
        rps = median(rows, "rps")
        ratio = f"{rps / base:.2f}" if base else "-"
        out.append([
            f"({key}) {rows[0]['server']}",
            f"{rps:,.0f}",
            f"{median(rows, 'p50_us'):.0f}",
            f"{median(rows, 'p99_us'):.0f}",
            f"{median(rows, 'peak_rss_kib') / 1024:.1f}",
            ratio,
        ])
    rounds = max(len(rows) for rows in groups.values())
    print(f"medians over {rounds} round(s)\n")
    print(markdown(["server", "req/s", "p50 us", "p99 us", "peak RSS MiB", "req/s vs (a)"], out))


def routes_table(path):
    groups = group(path, "routes")
    out = []
    for routes in sorted(groups, key=int):
        by_url = {}
        for row in groups[routes]:
            by_url.setdefault(row["kind"], []).append(row)
        extra, jwt = by_url["extra"], by_url["jwt"]
        out.append([
            f"{int(routes):,}",
            f"{median(extra, 'rps'):,.0f}",
            f"{median(extra, 'p99_us'):.0f}",
            f"{median(jwt, 'rps'):,.0f}",
            f"{median(jwt, 'p99_us'):.0f}",
            f"{median(groups[routes], 'startup_ms'):.0f}",
            f"{median(groups[routes], 'peak_rss_kib') / 1024:.1f}",
        ])
    rounds = max(len(rows) for rows in groups.values()) // 2
    print(f"medians over {rounds} round(s)\n")
    print(markdown(
        ["extra routes", "/extra/7/items/42 req/s", "p99 us", "/jwt/whoami req/s", "p99 us", "startup ms", "peak RSS MiB"],
        out,
    ))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("wrk", "load", "routes"):
        sys.exit(__doc__)
    {"wrk": parse_wrk, "load": load_table, "routes": routes_table}[sys.argv[1]](sys.argv[2])


if __name__ == "__main__":
    main()
