#!/usr/bin/env python3
"""Checks the Vonage twin's recorded exchanges against Vonage's Voice API description (voice.yml).

    check-vonage-twin.py voice.yml exchanges.json

voice.yml is Nexmo/api-specification's `definitions/voice.yml` (OpenAPI 3.0; its paths are relative to its server,
`/v1/calls`). Each exchange (method, path, status, content type, JSON response body, JSON request body) must be a
documented operation; a success status must be documented for it, and the JSON bodies must validate against the
document's schemas (jsonschema; the document's `oneOf`s of request variants without `required` members are read
as `anyOf`, since several variants then match one body). voice.yml documents no error bodies: errors must have
Vonage's error shape (common_errors.yml of the same repository: `type`, `title`, `detail`, `instance`, and
`invalid_parameters` of `name`/`reason` for a validation error). Exits 1 with one line per problem.
"""
import json
import re
import sys

import yaml
from jsonschema import Draft7Validator

ERROR = {
    "type": "object",
    "required": ["type", "title", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "invalid_parameters": {
            "type": "array",
            "items": {"type": "object", "required": ["name", "reason"],
                      "properties": {"name": {"type": "string"}, "reason": {"type": "string"}}},
        },
    },
}


def loosen(node):
    """oneOf -> anyOf (see above); drops OpenAPI-only keys jsonschema does not know."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "oneOf":
                key = "anyOf"
            if key in ("example", "x-nexmo-developer-collection-description-shown", "deprecated"):
                continue
            out[key] = loosen(value)
        return out
    if isinstance(node, list):
        return [loosen(item) for item in node]
    return node


def operation_for(spec, method, path):
    bare = path.split("?", 1)[0]
    if not bare.startswith("/v1/calls"):
        return None, None
    relative = bare[len("/v1/calls"):] or "/"
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, relative):
            return template, item.get(method.lower())
    return None, None


def problems_of(spec, schema, value, what):
    root = loosen(dict(schema))
    root["components"] = loosen(spec.get("components", {}))
    return [f"{what}: {'/'.join(map(str, error.absolute_path))}: {error.message}" for error in Draft7Validator(root).iter_errors(value)]


def check(spec, exchange):
    method, path, status = exchange["method"], exchange["path"], exchange["status"]
    name = f"{method} {path} -> {status}"
    template, operation = operation_for(spec, method, path)
    if operation is None:
        return [f"{name}: no operation of voice.yml"]
    body = json.loads(exchange["body"]) if exchange.get("body") else None
    if status >= 400:
        if body is None:
            return [f"{name}: the error has no JSON body"]
        return problems_of(spec, ERROR, body, f"{name} error")
    problems = []
    response = operation["responses"].get(str(status))
    if response is None:
        return [f"{name}: status {status} is not documented (documented: {sorted(operation['responses'])})"]
    content = response.get("content")
    if content:
        entry = content.get(exchange.get("contentType", "").split(";")[0].strip())
        if entry is None:
            problems.append(f"{name}: {exchange.get('contentType')} is not among {sorted(content)}")
        elif "schema" in entry:
            problems += problems_of(spec, entry["schema"], body, f"{name} response")
    elif body is not None:
        problems.append(f"{name}: the document says no body, the twin sent one")
    request = exchange.get("request")
    if request:
        schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if schema:
            problems += problems_of(spec, schema, json.loads(request), f"{name} request")
    return problems


def mend(spec):
    """One known slip of voice.yml 1.3.7: UpdateCallRequestUnmute's enum says `mute` (its example, its title and
    Vonage's SDKs say `unmute`); read as `unmute`."""
    action = spec["components"]["schemas"]["UpdateCallRequestUnmute"]["properties"]["action"]
    if action.get("enum") == ["mute"]:
        action["enum"] = ["unmute"]


def main():
    with open(sys.argv[1]) as file:
        spec = yaml.safe_load(file)
    mend(spec)
    with open(sys.argv[2]) as file:
        exchanges = json.load(file)
    problems = [problem for exchange in exchanges for problem in check(spec, exchange)]
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print(f"{len(exchanges)} exchanges valid against voice.yml {spec['info']['version']}")


if __name__ == "__main__":
    main()
