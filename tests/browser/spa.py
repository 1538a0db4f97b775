#!/usr/bin/env python3
"""The demo SPA in a real browser (SPEC section 15).

Starts the demo binary on two free loopback ports, loads the SPA in Debian's headless Chromium
(driven by Playwright, whose bundled browsers are never used), clicks its three buttons in order
and checks what the page shows, then checks the demo's access log for the passed preflight.
A screenshot is kept in target/browser/spa.png (not committed).

Usage: tests/browser/spa.py path/to/demo-binary
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("AUTHROUTE_CHROMIUM", "/usr/bin/chromium")
# The machine's network is closed: keep Chromium from reaching out at start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEADLINE_S = 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, demo):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if demo.poll() is not None:
            raise SystemExit(f"the demo exited early with status {demo.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port} after {DEADLINE_S} s")


def text_of(page, selector):
    """Waits until the element shows something, then returns it."""
    page.wait_for_function(
        "s => document.querySelector(s).textContent.length > 0", arg=selector, timeout=10_000
    )
    return page.text_content(selector)


def main():
    demo_binary = sys.argv[1]
    root = Path(__file__).resolve().parents[2]
    artifacts = root / "target" / "browser"
    artifacts.mkdir(parents=True, exist_ok=True)
    api_port, spa_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            AUTHROUTE_ADDR=f"127.0.0.1:{api_port}",
            AUTHROUTE_SPA_ADDR=f"127.0.0.1:{spa_port}",
            AUTHROUTE_DB=str(Path(tmp) / "demo.sqlite3"),
            RUST_LOG="warn,authroute::access=info",
            NO_COLOR="1",
        )
        log_path = Path(tmp) / "demo.log"
        with open(log_path, "w") as log:
            demo = subprocess.Popen([demo_binary], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(api_port, demo)
            wait_for_port(spa_port, demo)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{spa_port}/")
                buttons = page.eval_on_selector_all("button", "bs => bs.map(b => b.id)")
                assert buttons == ["get-token", "call", "call-nocors"], buttons

                page.click("#get-token")
                assert text_of(page, "#token").count(".") == 2, "no token shown"
                page.click("#call")
                whoami = json.loads(text_of(page, "#whoami"))
                scoped = json.loads(text_of(page, "#scoped"))
                page.click("#call-nocors")
                nocors = text_of(page, "#nocors")
                page.screenshot(path=str(artifacts / "spa.png"), full_page=True)
                browser.close()
        finally:
            demo.terminate()
            demo.wait(timeout=10)
        log_text = re.sub(r"\x1b\[[0-9;]*m", "", log_path.read_text())

    assert whoami.get("uid") == 2, f"#whoami shows {whoami}"
    assert scoped.get("uid") == 2, f"#scoped shows {scoped}"
    assert nocors == "TypeError: Failed to fetch", f"#nocors shows {nocors!r}"
    access = [line for line in log_text.splitlines() if "authroute::access" in line]
    passed = [
        line for line in access
        if "method=OPTIONS" in line and "path=/auth_jwt_demo/whoami" in line
        and re.search(r"status=2\d\d", line)
    ]
    assert passed, "no passed preflight of /auth_jwt_demo/whoami in the access log:\n" + log_text
    refused = [
        line for line in access
        if "method=OPTIONS" in line and "path=/web/session/get_session_info" in line
    ]
    assert refused, "the browser never sent the refused preflight:\n" + log_text
    assert not any("status=2" in line for line in refused), refused
    print(f"SPA in Chromium: whoami {whoami}, scoped {scoped}, nocors {nocors!r}")
    print(f"preflight passed: {passed[0].strip()}")
    print(f"screenshot: {artifacts / 'spa.png'}")


if __name__ == "__main__":
    main()
