#!/usr/bin/env python3
"""Validates the demo's OpenAPI document, as tests/demo_openapi.rs saved it from /openapi.json,
against the OpenAPI 3.1 JSON Schema in ../shared/testdata/openapi/ and with the independent
openapi-spec-validator package.

Usage: tests/openapi/validate.py [target/tmp/demo-openapi.json]
"""

import json
import sys
from pathlib import Path

import jsonschema
from openapi_spec_validator import validate

root = Path(__file__).resolve().parents[2]
document_path = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "target/tmp/demo-openapi.json"
schema_path = root.parent / "shared/testdata/openapi/oas-3.1-schema.json"

document = json.loads(document_path.read_text())
schema = json.loads(schema_path.read_text())
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=str)
for error in errors:
    print(f"schema: {'/'.join(map(str, error.absolute_path))}: {error.message}", file=sys.stderr)
if errors:
    sys.exit(f"{document_path}: {len(errors)} error(s) against {schema_path.name}")
validate(document)
print(f"{document_path}: valid OpenAPI {document['openapi']} "
      f"({len(document['paths'])} paths) against {schema_path.name} and openapi-spec-validator")
