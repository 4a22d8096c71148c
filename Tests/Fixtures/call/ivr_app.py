#!/usr/bin/env python3
"""A small IVR application for `ssml call` tests, as a user would write it (standard library only).

Vonage: GET/POST /answer -> menu (talk with bargeIn + input); POST /menu branches on the digit
(1 sales -> transfer by connect, 2 -> speech question, else "not an option" and the menu again, at most
3 tries); POST /event logs call events. Broken answers: /answer-500, /answer-badjson, /answer-wrong,
/answer-slow (answers after 8 s), /answer-huge (2 MB), /fallback (a fallback NCCO). /ws is a websocket that answers with a
440 Hz tone (1 s of L16 at the connection's rate) and counts what it receives; /ws-echo sends back the first
75 frames it receives; /ws-mute never answers the handshake. /answer-record-call records the whole call in the background; /answer-transfer moves
the call into another conversation; /chime.wav serves Samples/chime.wav for /answer-ringback (a
connect with ringbackTone) and /answer-stream-chime; /answer-stream-missing streams a URL that answers 404.

seven.io: POST /seven/status takes status webhooks; POST /seven/dtmf steers: 1 -> new SSML and hang up,
2 -> bridge, 3 -> new digits, 4 -> 500 (broken).

Every request is appended as a JSON line to the log file. The first line on stdout is the port. The
server stops by itself after --lifetime seconds.
"""

import argparse
import base64
import hashlib
import json
import math
import os
import socketserver
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
TRIES = {}


def welcome():
    return ARGS.welcome


def menu_ncco(base):
    return [
        {"action": "talk", "text": welcome() + " Press 1 for sales, press 2 to tell us your name.", "bargeIn": True},
        {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1, "timeOut": 3}, "eventUrl": [base + "/menu"]},
    ]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def log_request_line(self, body):
        parsed = urllib.parse.urlsplit(self.path)
        entry = {
            "method": self.command,
            "path": parsed.path,
            "query": dict(urllib.parse.parse_qsl(parsed.query)),
            "content_type": self.headers.get("Content-Type"),
            "body": body,
            "time": time.time(),
        }
        with LOCK:
            with open(ARGS.log, "a") as log:
                log.write(json.dumps(entry) + "\n")

    def reply(self, status, payload, content_type="application/json"):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def base(self):
        return "http://%s" % self.headers.get("Host")

    def do_GET(self):
        if self.headers.get("Upgrade", "").lower() == "websocket":
            if urllib.parse.urlsplit(self.path).path == "/ws-mute":
                # Accepts the connection and never answers the handshake.
                time.sleep(30)
                return
            return self.websocket()
        self.log_request_line(None)
        self.route(None)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        self.log_request_line(body)
        self.route(body)

    def route(self, body):
        path = urllib.parse.urlsplit(self.path).path
        base = self.base()
        if path == "/answer":
            # A call starts: its retry count starts again (the simulator's uuids repeat from run to run).
            uuid = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)).get("uuid") or (body or {}).get("uuid", "")
            with LOCK:
                TRIES[uuid] = 0
            return self.reply(200, menu_ncco(base))
        if path == "/answer-500":
            return self.reply(500, {"error": "boom"})
        if path == "/answer-badjson":
            return self.reply(200, b"this is not json", "text/plain")
        if path == "/answer-wrong":
            return self.reply(200, [{"action": "talk"}])
        if path == "/answer-slow":
            time.sleep(8)
            return self.reply(200, menu_ncco(base))
        if path == "/answer-huge":
            # A valid NCCO of about 2 MB: more than a webhook answer may be.
            return self.reply(200, [{"action": "talk", "text": "x" * 1000}] * 2000)
        if path == "/fallback":
            return self.reply(200, [{"action": "talk", "text": "This is the fallback message."}])
        if path == "/answer-ws":
            return self.reply(200, [
                {"action": "talk", "text": "Connecting you to the bot."},
                {"action": "connect", "endpoint": [{"type": "websocket", "uri": "ws://%s/ws" % self.headers.get("Host"),
                                                     "content-type": "audio/l16;rate=16000", "headers": {"caller": "test"}}]},
                {"action": "talk", "text": "The bot has hung up."},
            ])
        if path == "/answer-ws-echo":
            return self.reply(200, [
                {"action": "connect", "endpoint": [{"type": "websocket", "uri": "ws://%s/ws-echo" % self.headers.get("Host"),
                                                     "content-type": "audio/l16;rate=8000"}]},
                {"action": "talk", "text": "The echo has ended."},
            ])
        if path == "/chime.wav":
            with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Samples", "chime.wav"), "rb") as f:
                return self.reply(200, f.read(), "audio/wav")
        if path == "/answer-ringback":
            return self.reply(200, [
                {"action": "connect", "ringbackTone": base + "/chime.wav", "endpoint": [{"type": "phone", "number": "447700900001"}]},
            ])
        if path == "/answer-stream-chime":
            return self.reply(200, [{"action": "stream", "streamUrl": [base + "/chime.wav"]}])
        if path == "/answer-stream-missing":
            # A stream and a music on hold whose URLs answer 404: each fails alone, the call goes on.
            return self.reply(200, [
                {"action": "stream", "streamUrl": [base + "/missing.mp3"]},
                {"action": "talk", "text": "The music is not there."},
                {"action": "conversation", "name": "hold-room", "startOnEnter": False, "musicOnHoldUrl": [base + "/missing-hold.mp3"]},
            ])
        if path == "/answer-ws-mute":
            return self.reply(200, [
                {"action": "connect", "endpoint": [{"type": "websocket", "uri": "ws://%s/ws-mute" % self.headers.get("Host"),
                                                     "content-type": "audio/l16;rate=16000"}]},
                {"action": "talk", "text": "The bot did not answer."},
            ])
        if path == "/answer-record-call":
            # Vonage's "record a call" example: a record without a condition that ends it, then the call goes on.
            return self.reply(200, [
                {"action": "record", "eventUrl": [base + "/recording"]},
                {"action": "talk", "text": "This call is recorded. Connecting you now."},
                {"action": "connect", "from": "447700900000", "endpoint": [{"type": "phone", "number": "447700900001"}]},
            ])
        if path == "/answer-transfer":
            return self.reply(200, [
                {"action": "talk", "text": "Please hold while we move you."},
                {"action": "transfer", "conversationId": "CON-agents-room"},
                {"action": "talk", "text": "You will not hear this."},
            ])
        if path == "/answer-record":
            return self.reply(200, [
                {"action": "talk", "text": "Leave a message after the beep."},
                {"action": "record", "beepStart": True, "endOnSilence": 3, "format": "wav", "eventUrl": [base + "/recording"]},
                {"action": "talk", "text": "Thank you."},
            ])
        if path == "/recording":
            return self.reply(200, {})
        if path == "/menu":
            digits = ((body or {}).get("dtmf") or {}).get("digits", "")
            uuid = (body or {}).get("uuid", "")
            if digits == "1":
                return self.reply(200, [
                    {"action": "talk", "text": "Connecting you to sales."},
                    {"action": "connect", "endpoint": [{"type": "phone", "number": "447700900123"}]},
                ])
            if digits == "2":
                return self.reply(200, [
                    {"action": "talk", "text": "Please say your name."},
                    {"action": "input", "type": ["speech"], "speech": {"endOnSilence": 1}, "eventUrl": [base + "/name"]},
                ])
            with LOCK:
                TRIES[uuid] = TRIES.get(uuid, 0) + 1
                tries = TRIES[uuid]
            if tries >= 3:
                return self.reply(200, [{"action": "talk", "text": "Sorry, goodbye."}])
            return self.reply(200, [{"action": "talk", "text": "Sorry, that is not an option."}] + menu_ncco(base))
        if path == "/name":
            results = ((body or {}).get("speech") or {}).get("results") or []
            name = results[0]["text"] if results else "nobody"
            return self.reply(200, [{"action": "talk", "text": "Thank you, %s." % name}])
        if path in ("/event", "/seven/status"):
            return self.reply(200, {})
        if path == "/seven/dtmf":
            digits = ((body or {}).get("data") or {}).get("digits", "")
            if digits == "1":
                return self.reply(200, {"ssml": "<speak>You chose sales. Goodbye.</speak>", "hangup": True})
            if digits == "2":
                return self.reply(200, {"bridge": {"number": "+4930123456"}})
            if digits == "3":
                return self.reply(200, {"status": 200, "content_type": "application/ssml+xml", "content": "<speak>Now enter a code.</speak>", "min": 2, "max": 2})
            return self.reply(500, {"error": "broken"})
        return self.reply(404, {"error": "no route " + path})

    # A minimal RFC 6455 server: enough for L16 frames.
    def websocket(self):
        self.log_request_line(None)
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        sock = self.connection
        sock.settimeout(10)
        first = read_frame(sock)
        rate = 16000
        if first and first[0] == 1:
            with LOCK:
                with open(ARGS.log, "a") as log:
                    log.write(json.dumps({"method": "WS", "path": "/ws", "text": first[1].decode()}) + "\n")
            if "8000" in json.loads(first[1].decode()).get("content-type", ""):
                rate = 8000
        if urllib.parse.urlsplit(self.path).path == "/ws-echo":
            return self.echo(sock)
        # One second of a 440 Hz tone, in 20 ms frames, then read what comes and close.
        per = rate // 50
        for frame in range(50):
            samples = [int(8000 * math.sin(2 * math.pi * 440 * (frame * per + i) / rate)) for i in range(per)]
            send_frame(sock, 2, struct.pack("<%dh" % per, *samples))
        received = 0
        while received < 60:
            frame = read_frame(sock)
            if frame is None or frame[0] == 8:
                break
            received += 1
        send_frame(sock, 8, struct.pack("!H", 1000))
        # Wait for the client's close (reading what is still coming), so closing the socket with unread data does
        # not reset the connection and drop the frames the client has not read yet.
        while True:
            frame = read_frame(sock)
            if frame is None or frame[0] == 8:
                break
        with LOCK:
            with open(ARGS.log, "a") as log:
                log.write(json.dumps({"method": "WS", "path": "/ws", "received_frames": received}) + "\n")
        self.close_connection = True

    def echo(self, sock):
        """Sends back each binary frame it receives, for 75 frames (1.5 s), then closes."""
        echoed = 0
        while echoed < 75:
            frame = read_frame(sock)
            if frame is None or frame[0] == 8:
                break
            if frame[0] == 2:
                send_frame(sock, 2, frame[1])
                echoed += 1
        send_frame(sock, 8, struct.pack("!H", 1000))
        while True:
            frame = read_frame(sock)
            if frame is None or frame[0] == 8:
                break
        with LOCK:
            with open(ARGS.log, "a") as log:
                log.write(json.dumps({"method": "WS", "path": "/ws-echo", "echoed_frames": echoed}) + "\n")
        self.close_connection = True


def read_exact(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_frame(sock):
    head = read_exact(sock, 2)
    if head is None:
        return None
    opcode = head[0] & 0x0F
    length = head[1] & 0x7F
    masked = head[1] & 0x80
    if length == 126:
        length = struct.unpack("!H", read_exact(sock, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", read_exact(sock, 8))[0]
    mask = read_exact(sock, 4) if masked else b"\0\0\0\0"
    payload = read_exact(sock, length) or b""
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return opcode, payload


def send_frame(sock, opcode, payload):
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        head += bytes([len(payload)])
    elif len(payload) < 65536:
        head += bytes([126]) + struct.pack("!H", len(payload))
    else:
        head += bytes([127]) + struct.pack("!Q", len(payload))
    sock.sendall(head + payload)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--welcome", default="Welcome to Example Bank.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=300)
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    # Stops by itself, so a crashed test never leaves it running: when the test process that started it is gone
    # (its parent changes), or at the latest after its lifetime.
    threading.Timer(ARGS.lifetime, lambda: os._exit(0)).start()
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
