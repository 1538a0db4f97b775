#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/seeds/.

- auth_header, token_policy: the hostile suite's cases, exported by the test itself:
  AUTHROUTE_FUZZ_SEEDS=fuzz/seeds cargo test --test hostile hostile_tokens_are_refused
- jwks_parse: the test JWKS and every key set of the Wycheproof JWK vectors, once per algorithm
  family the target picks with its first byte.
- route_path, rpc_envelope: the shapes the route and JSON-RPC tests send.

Run from the repository root: python3 fuzz/make_seeds.py
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"


def write(target, name, data):
    path = SEEDS / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def jwks_seeds():
    own = json.loads((ROOT / "tests/keys/jwks_keys.json").read_text())
    docs = [{"keys": list(own.values())}]
    wycheproof = json.loads(
        (ROOT / "tests/data/wycheproof/json_web_key_test.json").read_text())
    for group in wycheproof["testGroups"]:
        for side in ("public", "private"):
            if side in group:
                docs.append(group[side])
    # The target's algorithm index: 0 RS256, 3 ES256, 5 EdDSA.
    for i, doc in enumerate(docs):
        text = json.dumps(doc).encode()
        for pick in (0, 3, 5):
            write("jwks_parse", f"doc-{i:02}-{pick}", bytes([pick]) + text)


def route_seeds():
    paths = [
        "/items/42", "/items/a%20b?x=1", "/items/%2F..%2F", "/items/7/tags/red",
        "/items/x/tags/red", "/files/a/b/c.txt", "/files/", "/a/b/c", "/a/b/c/",
        "/nothing", "//items//1", "/items/%ff%fe", "/items/" + "a" * 300,
    ]
    for i, path in enumerate(paths):
        for pick in (0, 1, 2 | 0x80, 3):
            write("route_path", f"path-{i:02}-{pick}", bytes([pick]) + path.encode())


def rpc_seeds():
    bodies = [
        '{"jsonrpc": "2.0", "method": "call", "params": {"say": "hi"}, "id": 1}',
        '{"params": {}}', '{"jsonrpc": "1.0", "params": {}}', '{"id": [1], "params": {}}',
        '{"id": "x", "params": {"say": 5}}', '[]', '', 'null', '{"params": [1, 2]}',
        '{"id": 1, "id": 2, "params": {}}', '{"params": {"say": "\\ud800"}}',
        '{"params":' * 64 + '{}' + '}' * 64,
    ]
    for i, body in enumerate(bodies):
        write("rpc_envelope", f"body-{i:02}", body)


if __name__ == "__main__":
    jwks_seeds()
    route_seeds()
    rpc_seeds()
