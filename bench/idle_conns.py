#!/usr/bin/env python3
"""Holds N idle keep-alive connections to a server and reports its resident memory.

Usage: idle_conns.py PID [--count 10000] [--addr 127.0.0.1:18081] [--path /none/whoami]

Each connection sends one keep-alive GET and reads the whole response, so that the server has
set up its per-connection HTTP state (not just an accepted socket); then all stay open, idle,
while the server's VmRSS is read from /proc/PID/status. Prints `key=value` lines for run.sh.
"""

import argparse
import resource
import selectors
import socket
import sys
import time


def vm_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"error: no {field} in /proc/{pid}/status")


def raise_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard == resource.RLIM_INFINITY else min(max(needed, soft), hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        raise SystemExit(f"error: need {needed} file descriptors, the hard limit is {hard}")


def read_response(sock):
    """Reads one response with a Content-Length body; returns its status code."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the response head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed inside the response body")
        body += chunk
    return status


def still_open(socks):
    """Connections the server has not closed: none readable (EOF) without blocking."""
    selector = selectors.DefaultSelector()
    for sock in socks:
        selector.register(sock, selectors.EVENT_READ)
    closed = len(selector.select(timeout=0))
    selector.close()
    return len(socks) - closed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pid", type=int, help="the server's process id")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--addr", default="127.0.0.1:18081")
    parser.add_argument("--path", default="/none/whoami")
    parser.add_argument("--hold", type=float, default=1.0, help="seconds idle before reading RSS")
    args = parser.parse_args()
    host, port = args.addr.rsplit(":", 1)
    raise_nofile(args.count + 64)
    request = (
        f"GET {args.path} HTTP/1.1\r\nHost: {args.addr}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()

    before = vm_kib(args.pid, "VmRSS")
    socks = []
    started = time.monotonic()
    # One at a time: the accept backlog never overflows, and each connection is fully served
    # before the next one opens.
    for i in range(args.count):
        sock = socket.create_connection((host, int(port)), timeout=10)
        sock.sendall(request)
        status = read_response(sock)
        if status != 200:
            raise SystemExit(f"error: connection {i} answered {status}")
        socks.append(sock)
    opened = time.monotonic() - started
    time.sleep(args.hold)
    after = vm_kib(args.pid, "VmRSS")
    hwm = vm_kib(args.pid, "VmHWM")
    alive = still_open(socks)
    print(f"connections={args.count}")
    print(f"open_seconds={opened:.2f}")
    print(f"still_open={alive}")
    print(f"rss_before_kib={before}")
    print(f"rss_after_kib={after}")
    print(f"hwm_kib={hwm}")
    print(f"per_connection_kib={(after - before) / args.count:.2f}")
    for sock in socks:
        sock.close()
    if alive != args.count:
        print(f"warning: the server closed {args.count - alive} idle connections", file=sys.stderr)


if __name__ == "__main__":
    main()
