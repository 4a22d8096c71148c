#!/usr/bin/env python3
"""Drives the Vonage twin of `ssml serve` with Vonage's own Python server SDK (the `vonage` package), as an
application would drive api.nexmo.com: the SDK is pointed at the twin with HttpClientOptions(api_host=...), and
trusts the twin's self-signed certificate through REQUESTS_CA_BUNDLE (the SDK speaks only HTTPS).

    vonage_sdk_client.py --host 127.0.0.1:PORT --key private.pem --app-id ID

Prints one JSON object with what the SDK parsed; any exception of the SDK (a response it cannot parse) fails.
"""
import argparse
import json
import time
import urllib.error
import urllib.request
import ssl
import os

from vonage import Auth, HttpClientOptions, Vonage
from vonage_http_client.errors import NotFoundError, HttpRequestError
from vonage_voice import CreateCallRequest, ListCallsFilter, TtsStreamOptions


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--app-id", required=True)
    args = parser.parse_args()
    with open(args.key) as file:
        key = file.read()
    client = Vonage(Auth(application_id=args.app_id, private_key=key), HttpClientOptions(api_host=args.host, timeout=30))
    out = {}

    ncco = [
        {"action": "talk", "text": "Welcome. Press a key."},
        {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1, "timeOut": 10}},
        {"action": "talk", "text": "Goodbye."},
    ]
    created = client.voice.create_call(CreateCallRequest(
        ncco=ncco, to=[{"type": "phone", "number": "447700900001"}], from_={"type": "phone", "number": "447700900000"}))
    out["created"] = {"uuid": created.uuid, "status": created.status, "direction": created.direction,
                      "conversation_uuid": created.conversation_uuid}
    uuid = created.uuid

    # Wait until the call listens (the twin's own route), then talk into it, stop it, send DTMF and a key.
    context = ssl.create_default_context(cafile=os.environ["REQUESTS_CA_BUNDLE"])
    base = "https://" + args.host
    for _ in range(200):
        with urllib.request.urlopen(base + "/_twin/calls/" + uuid, context=context) as response:
            if json.load(response)["listening"]:
                break
        time.sleep(0.05)
    info = client.voice.get_call(uuid)
    out["during"] = {"status": info.status, "to": info.to.number, "from": info.from_.number, "link": info.link}
    talk = client.voice.play_tts_into_call(uuid, TtsStreamOptions(text="This is a message from the application.", loop=1))
    out["talk"] = {"message": talk.message, "uuid": talk.uuid}
    time.sleep(1.0)
    stopped = client.voice.stop_tts(uuid)
    out["stop"] = {"message": stopped.message}
    dtmf = client.voice.play_dtmf_into_call(uuid, "12")
    out["dtmf"] = {"message": dtmf.message}
    time.sleep(0.8)
    request = urllib.request.Request(base + "/_twin/calls/" + uuid + "/press", data=b'{"keys": "7"}',
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, context=context) as response:
        out["press"] = json.load(response)["accepted"]
    for _ in range(200):
        if client.voice.get_call(uuid).status == "completed":
            break
        time.sleep(0.05)
    final = client.voice.get_call(uuid)
    out["final"] = {"status": final.status, "duration": final.duration, "rate": final.rate, "price": final.price,
                    "start_time": final.start_time, "end_time": final.end_time}
    calls, next_index = client.voice.list_calls(ListCallsFilter(status="completed", page_size=10))
    out["list"] = {"uuids": [call.uuid for call in calls], "next": next_index}

    # A second call, hung up through the SDK while it listens.
    second = client.voice.create_call(CreateCallRequest(
        ncco=ncco, to=[{"type": "phone", "number": "447700900002"}], from_={"type": "phone", "number": "447700900000"}))
    for _ in range(200):
        with urllib.request.urlopen(base + "/_twin/calls/" + second.uuid, context=context) as response:
            if json.load(response)["listening"]:
                break
        time.sleep(0.05)
    client.voice.hangup(second.uuid)
    for _ in range(200):
        if client.voice.get_call(second.uuid).status == "completed":
            break
        time.sleep(0.05)
    out["hangup"] = {"status": client.voice.get_call(second.uuid).status}

    # Errors parse as the SDK's own.
    try:
        client.voice.get_call("00000000-0000-4000-8000-000000000000")
        out["not_found"] = None
    except NotFoundError as error:
        out["not_found"] = error.response.json()
    try:
        client.voice.hangup(uuid)
        out["ended"] = None
    except HttpRequestError as error:
        out["ended"] = {"status": error.response.status_code, "body": error.response.json()}
    forged = urllib.request.Request(base + "/v1/calls", headers={"Authorization": "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.e30.AAAA"})
    try:
        urllib.request.urlopen(forged, context=context)
        out["forged"] = None
    except urllib.error.HTTPError as error:
        out["forged"] = dict(json.load(error), status=error.code)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
