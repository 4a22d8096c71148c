#!/usr/bin/env python3
"""Checks the server's OpenAPI document and the exchanges a test run recorded against it.

    check-openapi.py openapi.json exchanges.json

The document must be a valid OpenAPI 3.1 description (openapi-spec-validator). Each exchange (method, path,
status, response headers and content type, the JSON body of the response and of the request) must match a
documented operation: its status (or `default`) must be documented with that media type, its documented response
headers must be present, and JSON bodies must validate against their schemas (jsonschema, draft 2020-12, which
OpenAPI 3.1 schemas are). Exits 1 with one line per problem.
"""
import json
import re
import sys

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        pointer = node["$ref"].lstrip("#/").split("/")
        node = spec
        for part in pointer:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def operation_for(spec, method, path):
    bare = path.split("?", 1)[0]
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, bare):
            return template, item.get(method.lower())
    return None, None


def media(content, content_type):
    bare = content_type.split(";", 1)[0].strip().lower()
    for key, value in content.items():
        if key.lower() == bare:
            return value
    return None


def problems_of(spec, schema, value, what):
    root = dict(schema)
    root["components"] = spec.get("components", {})
    return [f"{what}: {error.json_path}: {error.message}" for error in Draft202012Validator(root).iter_errors(value)]


def check(spec, exchange):
    method, path, status = exchange["method"], exchange["path"], exchange["status"]
    name = f"{method} {path} -> {status}"
    template, operation = operation_for(spec, method, path)
    if operation is None:
        # An undocumented method on a documented path is refused (405), a path the document does not name is not
        # found (404); both answer with the documented error body.
        if (template is None and status != 404) or (template is not None and status != 405):
            return [f"{name}: no documented operation"]
        if "body" not in exchange:
            return [f"{name}: the error has no JSON body"]
        return problems_of(spec, {"$ref": "#/components/schemas/Error"}, json.loads(exchange["body"]), f"{name} response")
    problems = []
    responses = operation["responses"]
    response = resolve(spec, responses.get(str(status)) or responses.get("default"))
    if response is None:
        return [f"{name}: status {status} is not documented"]
    headers = {key.lower(): value for key, value in exchange.get("headers", {}).items()}
    for header in response.get("headers", {}):
        if header.lower() not in headers:
            problems.append(f"{name}: the documented header {header} is missing")
    content = response.get("content")
    content_type = exchange.get("contentType", "")
    if content:
        entry = media(content, content_type)
        if entry is None:
            problems.append(f"{name}: {content_type or 'no content type'} is not among {sorted(content)}")
        elif "body" in exchange and "schema" in entry:
            problems += problems_of(spec, entry["schema"], json.loads(exchange["body"]), f"{name} response")
    request = exchange.get("request")
    if request and status < 400:
        body = resolve(spec, operation.get("requestBody", {}))
        entry = media(body.get("content", {}), request["contentType"])
        if entry is None:
            problems.append(f"{name}: the request's {request['contentType']} is not documented")
        elif request["contentType"].startswith("application/json") and "schema" in entry:
            problems += problems_of(spec, entry["schema"], json.loads(request["body"]), f"{name} request")
    if status < 400 and "?" in path:
        documented = {resolve(spec, p)["name"] for p in operation.get("parameters", []) if resolve(spec, p)["in"] == "query"}
        for pair in path.split("?", 1)[1].split("&"):
            if pair.split("=", 1)[0] not in documented:
                problems.append(f"{name}: the query parameter {pair.split('=', 1)[0]} is not documented")
    return problems


def main():
    with open(sys.argv[1]) as file:
        spec = json.load(file)
    validate(spec)
    with open(sys.argv[2]) as file:
        exchanges = json.load(file)
    problems = [problem for exchange in exchanges for problem in check(spec, exchange)]
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print(f"the document is valid OpenAPI {spec['openapi']}; {len(exchanges)} exchanges valid")


if __name__ == "__main__":
    main()
