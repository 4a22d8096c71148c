#!/usr/bin/env python3
"""Generate an NCCO test corpus from Vonage's published NCCO rules.

Python 3 standard library only. Run:  python3 generate.py   (writes next to this file)

Sources (all read from public mirrors, nothing downloaded at run time):

  S  = Nexmo/api-specification  json-schemas/ncco-schema.json
       commit ad042003e946f5d99512cda2a8601488c8e863e5 (2021-07-14, HEAD of the mirror;
       last change to the file: feaf3168bd646b70aa19b3e837eaadf172c8c315, 2021-05-19)
  Y  = Nexmo/api-specification  definitions/voice.yml, same commit (REST API, not NCCO;
       only its endpoint/language definitions are cited)
  R  = Nexmo/nexmo-developer    _documentation/en/voice/voice-api/ncco-reference.md
       commit 4da2b396b208864739f65703f2e82b1681049276 (2021-07-21)
  E  = Nexmo/nexmo-developer    _examples/voice/guides/ncco-reference/<file>, same commit
  PY = Vonage/vonage-python-sdk voice/src/vonage_voice/models/*.py, commit b308cb1e (2026-01-30)
  JS = Vonage/vonage-node-sdk   packages/voice/lib/types/NCCO/*.ts, commit babd2d8c (2026-07-17)
  JV = Vonage/vonage-java-sdk   src/main/java/com/vonage/client/voice/ncco/*.java, commit 609f524d (2026-08-11)

Two rule sets are kept apart on purpose:

  * SCHEMA: a hand transcription of S (structure and keyword for keyword, line cited), checked
    by the small draft-04 validator below.  It is what "Vonage's schema" accepts.
  * DOCS: the documented rules (R, plus SDK-only features where R is silent), as a spec tree;
    every case is generated from it, and checked by the spec checker below.

Every generated file is verified before it is written: valid cases must have zero DOCS
violations; invalid cases exactly one, at the stated path; the schema verdict of every case
is computed and recorded (it often differs: S is stale, see RULES.md).

Output:
  valid/<name>.json      NCCOs Vonage documents as valid          (+ <name>.expect)
  invalid/<name>.json    NCCOs breaking exactly one rule          (+ <name>.expect)
  legacy/<name>.json     lenient forms Vonage's own examples use  (+ <name>.expect)
  manifest.json          every case with its metadata
The .expect sidecar: "key: value" lines; the first line is always `path: <JSON path>`
(`$` for valid cases), the second `rule: ...`; then tier, source, schema, docs, note.
"""

import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------------------------
# 1. SCHEMA: transcription of S = json-schemas/ncco-schema.json @ ad04200 (line numbers of S)
# ---------------------------------------------------------------------------------------------

VOICES = [  # S:422-474
    "Agnieszka", "Amy", "Astrid", "Brian", "Carla", "Carmen", "Celine", "Chantal", "Chipmunk",
    "Conchita", "Cristiano", "Dora", "Emma", "Enrique", "Eric", "Ewa", "Filiz", "Geraint",
    "Giorgio", "Gwyneth", "Hans", "Ines", "Ivy", "Jacek", "Jan", "Jennifer", "Joey", "Justin",
    "Karl", "Kendra", "Kimberly", "Liv", "Lotte", "Mads", "Maja", "Marlene", "Mathieu", "Maxim",
    "Miguel", "Naja", "Nicole", "Penelope", "Raveena", "Ricardo", "Ruben", "Russell", "Salli",
    "Tatyana", "Vitoria"]
LANGUAGES = [  # S:475-527
    "ar", "bn-IN", "ca-ES", "cmn-CN", "cmn-TW", "cs-CZ", "cy-GB", "da-DK", "de-DE", "el-GR",
    "en-AU", "en-GB", "en-GB-WLS", "en-IN", "en-US", "en-ZA", "es-ES", "es-MX", "es-US", "eu-ES",
    "fi-FI", "fil-PH", "fr-CA", "fr-FR", "he-IL", "hi-IN", "hu-HU", "id-ID", "is-IS", "it-IT",
    "ja-JP", "ko-KR", "ml-IN", "nb-NO", "nl-NL", "pl-PL", "pt-BR", "pt-PT", "ro-RO", "ru-RU",
    "sk-SK", "sv-SE", "ta-IN", "te-IN", "th-TH", "tr-TR", "uk-UA", "vi-VN", "yue-CN"]

_HTTP_ITEMS = {"format": "uri", "pattern": "^https?://"}          # no "type"! (S:179-182 etc.)
_METHOD = {"type": "string", "enum": ["GET", "POST"]}

SCHEMA = {
    "definitions": {
        "endpoint": {"oneOf": [{"$ref": "#/definitions/endpoint-phone"},       # S:5-17
                               {"$ref": "#/definitions/endpoint-websocket"},
                               {"$ref": "#/definitions/endpoint-sip"}]},
        "endpoint-base": {"required": ["type"]},                              # S:18-22
        "endpoint-phone": {"allOf": [{"$ref": "#/definitions/endpoint-base"}, {   # S:23-51
            "properties": {
                "type": {"enum": ["phone"]},
                "number": {"type": "string", "minLength": 10, "maxLength": 15,
                           "pattern": "^[0-9]+$"},
                "dtmfAnswer": {"type": "string", "pattern": "^[0-9#\\*p]*$"}},
            "required": ["number"]}]},
        "endpoint-websocket": {"allOf": [{"$ref": "#/definitions/endpoint-base"}, {  # S:52-81
            "properties": {
                "type": {"enum": ["websocket"]},
                "uri": {"type": "string", "format": "uri", "pattern": "^wss?:"},
                "content-type": {"type": "string"},
                "headers": {"type": "object"}},
            "required": ["uri"]}]},
        "endpoint-sip": {"allOf": [{"$ref": "#/definitions/endpoint-base"}, {   # S:82-105
            "properties": {
                "type": {"enum": ["sip"]},
                "uri": {"type": "string", "format": "uri", "pattern": "^sips?:"}},
            "required": ["uri"]}]},
        "ncco": {"oneOf": [{"$ref": "#/definitions/ncco-connect"},             # S:106-127
                           {"$ref": "#/definitions/ncco-conversation"},
                           {"$ref": "#/definitions/ncco-input"},
                           {"$ref": "#/definitions/ncco-record"},
                           {"$ref": "#/definitions/ncco-stream"},
                           {"$ref": "#/definitions/ncco-talk"}]},
        "ncco-base": {"required": ["action"]},                                # S:128-132
        "ncco-connect": {"allOf": [{"$ref": "#/definitions/ncco-base"}, {     # S:133-197
            "properties": {
                "action": {"enum": ["connect"]},
                "endpoint": {"type": "array", "items": {"$ref": "#/definitions/endpoint"}},
                "from": {"type": "string", "pattern": "^[0-9]+$"},
                "eventType": {"type": "string", "enum": ["synchronous"]},
                "timeout": {"type": "number", "minimum": 0},
                "limit": {"type": "number", "minimum": 0, "maximum": 7200},
                "machineDetection": {"type": "string", "enum": ["continue", "hangup"]},
                "eventUrl": {"type": "array", "items": _HTTP_ITEMS},
                "eventMethod": _METHOD},
            "required": ["endpoint"]}]},
        "ncco-conversation": {"allOf": [{"$ref": "#/definitions/ncco-base"}, {  # S:198-244
            "properties": {
                "action": {"enum": ["conversation"]},
                "musicOnHoldUrl": {"type": "string", "format": "uri", "pattern": "^https?://"},
                "startOnEnter": {"type": "boolean"},
                "endOnExit": {"type": "boolean"},
                "record": {"type": "boolean"},
                "eventUrl": {"type": "array", "items": _HTTP_ITEMS},
                "eventMethod": _METHOD},
            "required": ["name"]}]},
        "ncco-input": {"allOf": [{"$ref": "#/definitions/ncco-base"}, {       # S:245-285
            "properties": {
                "action": {"enum": ["input"]},
                "timeOut": {"type": "number", "minimum": 0},
                "maxDigits": {"minimum": 0, "maximum": 20},
                "submitOnHash": {"type": "boolean"},
                "eventUrl": {"type": "array", "items": _HTTP_ITEMS},
                "eventMethod": _METHOD}}]},
        "ncco-record": {"allOf": [{"$ref": "#/definitions/ncco-base"}, {      # S:286-343
            "properties": {
                "action": {"enum": ["record"]},
                "format": {"enum": ["mp3", "wav"]},
                "split": {"enum": ["conversation"]},
                "endOnSilence": {"type": "integer", "minimum": 3, "maximum": 10},
                "endOnKey": {"type": "string", "pattern": "^[0-9#\\*]$"},
                "timeOut": {"type": "integer", "minimum": 3, "maximum": 7200},
                "beepStart": {"type": "boolean"},
                "eventUrl": {"type": "array", "items": _HTTP_ITEMS},
                "eventMethod": {"type": "string", "enum": ["POST", "GET"]}}}]},
        "ncco-stream": {"allOf": [{"$ref": "#/definitions/ncco-base"}, {      # S:344-381
            "properties": {
                "action": {"enum": ["stream"]},
                "streamUrl": {"type": "array", "items": _HTTP_ITEMS},
                "level": {"type": "number", "minimum": -1, "maximum": 1},
                "bargeIn": {"type": "boolean"},
                "loop": {"type": "number", "minimum": 0}},
            "required": ["streamUrl"]}]},
        "ncco-talk": {"allOf": [{"$ref": "#/definitions/ncco-base"}, {        # S:382-421
            "properties": {
                "action": {"enum": ["talk"]},
                "text": {"type": "string", "maxLength": 1500},
                "bargeIn": {"type": "boolean"},
                "loop": {"type": "integer", "minimum": 0},
                "voiceName": {"$ref": "#/definitions/voices"},
                "language": {"$ref": "#/definitions/languages"},
                "style": {"type": "integer", "minimum": 0}},
            "required": ["text"]}]},
        "voices": {"enum": VOICES},
        "languages": {"enum": LANGUAGES},
    },
    "type": "array",                                                          # S:529-533
    "items": {"$ref": "#/definitions/ncco"},
    "minItems": 1,
}


def _is_type(v, t):
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":  # draft-04: a number without a fractional part
        return (isinstance(v, int) and not isinstance(v, bool)) or (
            isinstance(v, float) and v.is_integer())
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "string":
        return isinstance(v, str)
    if t == "array":
        return isinstance(v, list)
    if t == "object":
        return isinstance(v, dict)
    if t == "null":
        return v is None
    raise ValueError(t)


def _eq(a, b):
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def schema_valid(v, s=SCHEMA):
    """True if v validates against draft-04 subschema s (keywords used by S only).
    "format" is not asserted (draft-04 makes it optional; S only pairs it with a pattern)."""
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[1]
        return schema_valid(v, SCHEMA["definitions"][name])
    if "allOf" in s and not all(schema_valid(v, x) for x in s["allOf"]):
        return False
    if "oneOf" in s and sum(1 for x in s["oneOf"] if schema_valid(v, x)) != 1:
        return False
    if "type" in s and not _is_type(v, s["type"]):
        return False
    if "enum" in s and not any(_eq(v, e) for e in s["enum"]):
        return False
    if _is_type(v, "number"):
        if "minimum" in s and v < s["minimum"]:
            return False
        if "maximum" in s and v > s["maximum"]:
            return False
    if isinstance(v, str):
        if "minLength" in s and len(v) < s["minLength"]:
            return False
        if "maxLength" in s and len(v) > s["maxLength"]:
            return False
        if "pattern" in s and not re.search(s["pattern"], v):
            return False
    if isinstance(v, list):
        if "minItems" in s and len(v) < s["minItems"]:
            return False
        if "items" in s and not all(schema_valid(x, s["items"]) for x in v):
            return False
    if isinstance(v, dict):
        if any(k not in v for k in s.get("required", [])):
            return False
        for k, sub in s.get("properties", {}).items():
            if k in v and not schema_valid(v[k], sub):
                return False
    return True


# ---------------------------------------------------------------------------------------------
# 2. DOCS: the documented rules as a spec tree.
#    P(type, ...) keys: req, enum, min, max, minLen, maxLen, pattern, items, props, ex (a valid
#    example), bad_* (values used for invalid cases), default, cite, src (docs|schema|sdk).
# ---------------------------------------------------------------------------------------------

def P(type_, **kw):
    kw["type"] = type_
    kw.setdefault("src", "docs")
    return kw


HTTP_URL = "^https?://"
EVENT_URL = P("array", items=P("string", pattern=HTTP_URL, ex="https://example.com/webhooks/event",
                               bad_pattern="ftp://example.com/webhooks/event"),
              ex=["https://example.com/webhooks/event"],
              bad_type="https://example.com/webhooks/event",
              cite="S:177-183 (connect), 224-230, 268-274, 326-332; R:69,146,308,409")
EVENT_METHOD = P("string", enum=["GET", "POST"], ex="POST", bad_enum="post", default="POST",
                 cite="S:184-190, 231-237, 275-281, 333-339; R:70,147,309")
LEG_UUIDS = P("array", items=P("string", ex="6a4d6af0-55a6-4667-be90-8614e4c8e83c"),
              ex=["6a4d6af0-55a6-4667-be90-8614e4c8e83c"], bad_type="6a4d6af0-55a6-4667-be90-8614e4c8e83c",
              cite="R:119-120; PY ncco.py:103-104; JS ConversationAction.ts:42,48")

TALK = {
    "cite": "S:382-421; R:194-216",
    "props": {
        "text": P("string", req=True, maxLen=1500, ssml_len=True, ex="Thank you for calling Example Corp.",
                  bad_type=12345, cite="S:394-397,416-418; R:211 (1500 chars *excluding SSML tags*)"),
        "bargeIn": P("boolean", ex=True, bad_type="yes", default=False, cite="S:398-400; R:212"),
        "loop": P("integer", min=0, ex=2, bad_type="twice", bad_frac=1.5, default=1,
                  cite="S:401-404; R:213 (0 = loop forever)"),
        "level": P("number", min=-1, max=1, ex=0.4, bad_type="loud", default=0,
                   cite="R:214 (not in S!); PY ncco.py:203 (float -1..1); JS TalkAction.ts:33 (string)"),
        "language": P("string", enum=LANGUAGES, ex="en-GB", bad_enum="xx-XX", default="en-US",
                      cite="S:408-410,475-527; R:215; Y:925-975 (different list)"),
        "style": P("integer", min=0, ex=1, bad_type="1x", bad_frac=0.5, default=0,
                   cite="S:411-414; R:216; Y:976-979; JS TalkAction.ts:43 (string)"),
        "voiceName": P("string", enum=VOICES, ex="Amy", bad_enum="Alexa", deprecated=True,
                       cite="S:405-407,422-474; Y:981-986 (deprecated, default Kimberly)"),
        "premium": P("boolean", ex=False, bad_type="no", src="sdk",
                     cite="PY ncco.py:206; JS TalkAction.ts:48; JV TalkAction.java:124 (not in R or S)"),
    },
}

STREAM = {
    "cite": "S:344-381; R:218-236",
    "props": {
        "streamUrl": P("array", req=True, minItems=1, maxItems=1,
                       items=P("string", pattern=HTTP_URL, ex="https://example.com/audio/hold-music.mp3",
                               bad_pattern="file:///var/audio/hold-music.mp3"),
                       ex=["https://example.com/audio/hold-music.mp3"],
                       bad_type="https://example.com/audio/hold-music.mp3",
                       cite="S:356-362,376-378; R:233 ('an array containing a single URL'); JV StreamAction.java:40-42 (singleton)"),
        "level": P("number", min=-1, max=1, ex=-0.3, bad_type="quiet", default=0,
                   cite="S:363-367; R:234"),
        "bargeIn": P("boolean", ex=True, bad_type="yes", default=False, cite="S:368-370; R:235"),
        "loop": P("integer", min=0, ex=3, bad_type="forever", default=1,
                  cite="S:371-374 (type *number*: 1.5 passes S); R:236; PY ncco.py:227 (int)"),
    },
}

DTMF = P("object", props={
    "timeOut": P("integer", min=0, max=10, ex=5, bad_type="5s", default=3,
                 cite="R:315 (default 3, max 10); PY input_types.py:18 (0..10); JV DtmfSettings.java:34-35; S:257-260 has only the legacy top-level timeOut >= 0"),
    "maxDigits": P("integer", min=1, max=20, ex=4, bad_type="four", default=4,
                   cite="R:316 (max 20, default 4); PY input_types.py:19 (1..20); JV DtmfSettings.java:37-38 (0..20); S:261-264 top-level 0..20"),
    "submitOnHash": P("boolean", ex=True, bad_type="yes", default=False,
                      cite="R:317; PY input_types.py:20; S:265-267 top-level"),
}, ex={"maxDigits": 1}, bad_type=[1], cite="R:306,311-317")

SPEECH = P("object", props={
    "uuid": P("array", maxItems=1, items=P("string", ex="aaaaaaaa-bbbb-cccc-dddd-0123456789ab"),
              ex=["aaaaaaaa-bbbb-cccc-dddd-0123456789ab"], bad_type="aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
              cite="R:323 ('an array with a single element'); PY input_types.py:45; JS SpeechSettings.ts:8 (string!)"),
    "endOnSilence": P("number", min=0.4, max=10, ex=1.5, bad_type="short", default=2.0,
                      cite="R:324 (0.4..10.0, default 2.0); PY input_types.py:46; JV SpeechSettings.java:43-44; JS SpeechSettings.ts:13 (boolean!)"),
    "language": P("string", ex="en-GB", bad_type=44, default="en-US",
                  cite="R:325 (BCP-47, list in the ASR guide)"),
    "context": P("array", items=P("string", ex="sales"), ex=["sales", "support"], bad_type="sales",
                 cite="R:326"),
    "startTimeout": P("integer", min=1, max=10, ex=5, bad_type="soon", default=10,
                      cite="R:327 (1..10); PY input_types.py:49 and JV SpeechSettings.java:46-47 say 1..60"),
    "maxDuration": P("integer", min=1, max=60, ex=30, bad_type="long", default=60,
                     cite="R:328 (1..60, default 60); PY input_types.py:50; JV SpeechSettings.java:49-50"),
    "saveAudio": P("boolean", ex=True, bad_type="yes", default=False, cite="R:329"),
    "sensitivity": P("integer", min=10, max=100, ex=50, bad_type="high", src="sdk",
                     cite="JV SpeechSettings.java:52-53 (10..100); PY input_types.py:51 says 0..100; not in R"),
}, ex={"context": ["sales", "support"]}, bad_type=["sales"], cite="R:307,319-329")

INPUT = {
    "cite": "S:245-285 (legacy shape only); R:248-329",
    "props": {
        "type": P("array", req=True, minItems=1, unique=True,
                  items=P("string", enum=["dtmf", "speech"], ex="dtmf", bad_enum="voice"),
                  ex=["dtmf"], bad_type="dtmf",
                  cite="R:305 (required); PY ncco.py:246; JV InputAction.java:44-45 (non-empty); absent from S"),
        "dtmf": DTMF,
        "speech": SPEECH,
        "eventUrl": EVENT_URL,
        "eventMethod": EVENT_METHOD,
        "mode": P("string", enum=["synchronous", "asynchronous"], ex="synchronous", bad_enum="async",
                  src="sdk", cite="JS InputAction.ts:54; JV InputMode.java (dtmf not allowed with asynchronous, JV InputAction.java:47-48); not in R"),
    },
}

RECORD = {
    "cite": "S:286-343; R:30-70",
    "props": {
        "format": P("string", enum=["mp3", "wav", "ogg"], ex="wav", bad_enum="flac", default="mp3",
                    cite="R:62 (mp3|wav|ogg); S:298-303 (mp3|wav only); PY ncco.py:51; JV RecordingFormat.java"),
        "split": P("string", enum=["conversation"], ex="conversation", bad_enum="stereo",
                   cite="S:304-308; R:63"),
        "channels": P("integer", min=1, max=32, ex=2, bad_type="two",
                      cite="R:64 (max 32, needs split=conversation); PY ncco.py:53 (1..32); not in S"),
        "endOnSilence": P("integer", min=3, max=10, ex=3, bad_type="3s", bad_frac=3.5,
                          cite="S:309-313; R:65"),
        "endOnKey": P("string", pattern="^[0-9#*]$", ex="#", bad_pattern="##", bad_type=1,
                      cite="S:314-317; R:66; PY ncco.py:55"),
        "timeOut": P("integer", min=3, max=7200, ex=60, bad_type="1h", bad_frac=60.5,
                     cite="S:318-322; R:67"),
        "beepStart": P("boolean", ex=True, bad_type="yes", cite="S:323-325; R:68"),
        "eventUrl": EVENT_URL,
        "eventMethod": EVENT_METHOD,
    },
}

CONVERSATION = {
    "cite": "S:198-244; R:98-121",
    "props": {
        "name": P("string", req=True, ex="support-room-42", bad_type=42,
                  cite="S:239-241 (required, but S gives it no type); R:114"),
        "musicOnHoldUrl": P("array", items=P("string", pattern=HTTP_URL, ex="https://example.com/audio/hold.mp3",
                                             bad_pattern="hold.mp3"),
                            ex=["https://example.com/audio/hold.mp3"], bad_type=True,
                            cite="R:115; E conversation/moderated-conference-attendee.md:17 (array); PY ncco.py:99; JS ConversationAction.ts:18; S:210-214 says a *string*"),
        "startOnEnter": P("boolean", ex=False, bad_type="no", default=True, cite="S:215-217; R:116"),
        "endOnExit": P("boolean", ex=True, bad_type="yes", default=False, cite="S:218-220; R:117"),
        "record": P("boolean", ex=True, bad_type="yes", default=False, cite="S:221-223; R:118"),
        "canSpeak": LEG_UUIDS,
        "canHear": LEG_UUIDS,
        "mute": P("boolean", ex=True, bad_type="yes", default=False, cite="R:121; PY ncco.py:110-116"),
        "eventUrl": EVENT_URL,
        "eventMethod": EVENT_METHOD,
    },
}

E164 = "^[1-9][0-9]{6,14}$"
PHONE = P("object", props={
    "type": P("string", req=True, enum=["phone"], ex="phone", cite="S:30-34; R:156"),
    "number": P("string", req=True, pattern=E164, ex="447700900001", bad_pattern="+447700900001",
                bad_type=447700900001,
                cite="R:157 (E.164); PY vonage_utils/types.py:5 ^[1-9]\\d{6,14}$; Y:906-912 7..15 digits; S:35-40 says 10..15 digits ^[0-9]+$"),
    "dtmfAnswer": P("string", pattern="^[0-9#*p]*$", ex="p*123#", bad_pattern="1,2,3", bad_type=123,
                    cite="S:41-44; R:158; Y:836-839"),
    "onAnswer": P("object", props={
        "url": P("string", req=True, pattern=HTTP_URL, ex="https://example.com/whisper", bad_pattern="whisper.json",
                 cite="R:159"),
        "ringbackTone": P("string", pattern=HTTP_URL, ex="https://example.com/audio/ringback.wav",
                          bad_pattern="ringback.wav", cite="R:159"),
    }, ex={"url": "https://example.com/whisper"}, bad_type="https://example.com/whisper", cite="R:159"),
}, ex={"type": "phone", "number": "447700900001"}, cite="S:23-51; R:152-159")
APP = P("object", props={
    "type": P("string", req=True, enum=["app"], ex="app", cite="R:165"),
    "user": P("string", req=True, ex="jamie", bad_type=7, cite="R:166; Y:808-822"),
}, ex={"type": "app", "user": "jamie"}, cite="R:161-166 (not in S)")
WEBSOCKET = P("object", props={
    "type": P("string", req=True, enum=["websocket"], ex="websocket", cite="S:59-63; R:172"),
    "uri": P("string", req=True, pattern="^wss?:", ex="wss://example.com/socket",
             bad_pattern="https://example.com/socket", cite="S:64-68,76-78; R:173"),
    "content-type": P("string", enum=["audio/l16;rate=8000", "audio/l16;rate=16000"],
                      ex="audio/l16;rate=16000", bad_enum="audio/wav",
                      cite="R:174; Y:866-871 (required there); S:69-71 (any string)"),
    "headers": P("object", ex={"customer_id": "ABC123"}, bad_type="customer_id=ABC123", cite="S:72-74; R:175"),
}, ex={"type": "websocket", "uri": "wss://example.com/socket", "content-type": "audio/l16;rate=16000"},
    cite="S:52-81; R:168-175")
SIP = P("object", props={
    "type": P("string", req=True, enum=["sip"], ex="sip", cite="S:89-93; R:181"),
    "uri": P("string", req=True, pattern="^sips?:", ex="sip:rebekka@sip.example.com",
             bad_pattern="rebekka@sip.example.com", cite="S:94-98,100-102; R:182"),
    "headers": P("object", ex={"location": "New York City", "occupation": "developer"},
                 bad_type=["location"], cite="R:183 (not in S)"),
}, ex={"type": "sip", "uri": "sip:rebekka@sip.example.com"}, cite="S:82-105; R:177-183")
VBC = P("object", props={
    "type": P("string", req=True, enum=["vbc"], ex="vbc", cite="R:191"),
    "extension": P("string", req=True, ex="111", bad_type=111, cite="R:192; Y:892-905"),
}, ex={"type": "vbc", "extension": "111"}, cite="R:187-192 (not in S)")
ENDPOINTS = {"phone": PHONE, "app": APP, "websocket": WEBSOCKET, "sip": SIP, "vbc": VBC}

CONNECT = {
    "cite": "S:133-197; R:123-192",
    "props": {
        "endpoint": P("array", req=True, minItems=1, maxItems=1, items="ENDPOINT",
                      bad_type={"type": "phone", "number": "447700900001"},
                      cite="S:145-150,192-194; R:139 ('maximum of one endpoint'); JV ConnectAction.java:48"),
        "from": P("string", pattern=E164, ex="447700900000", bad_pattern="+447700900000",
                  bad_type=447700900000, cite="S:151-154 (^[0-9]+$); R:140 (E.164); PY ncco.py:158"),
        "randomFromNumber": P("boolean", ex=False, bad_type="no", default=False,
                              cite="R:141 (not with from); PY ncco.py:170-178; not in S"),
        "eventType": P("string", enum=["synchronous"], ex="synchronous", bad_enum="asynchronous",
                       cite="S:155-160; R:142"),
        "timeout": P("number", min=0, ex=45, bad_type="45s", default=60,
                     cite="S:161-164 (>= 0); R:143 (default 60); JV ConnectAction.java:52-53 (3..7200)"),
        "limit": P("number", min=0, max=7200, ex=3600, bad_type="1h", default=7200,
                   cite="S:165-169; R:144; JV ConnectAction.java:49-50 (1..7200); PY ncco.py:162 (<= 7200)"),
        "machineDetection": P("string", enum=["continue", "hangup"], ex="continue", bad_enum="voicemail",
                              cite="S:170-176; R:145"),
        "eventUrl": EVENT_URL,
        "eventMethod": EVENT_METHOD,
        "ringbackTone": P("string", pattern=HTTP_URL, ex="https://example.com/audio/ringback.wav",
                          bad_pattern="ringback.wav", bad_type=True,
                          cite="R:148 (a URL string); JS ConnectAction.ts:63 (string); PY ncco.py:167 (list[str]!)"),
    },
}

NOTIFY = {
    "cite": "R:387-410 (not in S)",
    "props": {
        "payload": P("object", req=True, ex={"foo": "bar"}, bad_type="foo=bar", cite="R:408; PY ncco.py:266"),
        "eventUrl": dict(EVENT_URL, req=True, cite="R:409 (required); PY ncco.py:267"),
        "eventMethod": EVENT_METHOD,
    },
}

WAIT = {
    "cite": "JS WaitAction.ts:1-20; JV WaitAction.java (not in S or R@2021)",
    "props": {
        "timeout": P("number", ex=2.5, bad_type="2s", default=10, src="sdk",
                     cite="JS WaitAction.ts:14-19 (0.1..7200, out-of-range values are *clamped*, default 10); JV WaitAction.java:29 (Double)"),
    },
}

TRANSFER = {
    "cite": "JV TransferAction.java:25-60 (SDK only; not in S, R, PY or JS)",
    "props": {
        "conversationId": P("string", req=True, minLen=1, ex="CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
                            bad_type=12, src="sdk", cite="JV TransferAction.java:45-47 (required, non-blank)"),
        "canSpeak": dict(LEG_UUIDS, src="sdk", cite="JV TransferAction.java:86-87"),
        "canHear": dict(LEG_UUIDS, src="sdk", cite="JV TransferAction.java:97-98"),
        "mute": P("boolean", ex=True, bad_type="yes", src="sdk", cite="JV TransferAction.java:75"),
    },
}

ACTIONS = {"talk": TALK, "stream": STREAM, "input": INPUT, "record": RECORD,
           "conversation": CONVERSATION, "connect": CONNECT, "notify": NOTIFY, "wait": WAIT,
           "transfer": TRANSFER}


# ---------------------------------------------------------------------------------------------
# 3. DOCS checker (strict reading of the spec tree; used to verify every generated case)
# ---------------------------------------------------------------------------------------------

def _key(path, k):
    return f"{path}.{k}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k) else f"{path}['{k}']"


def check_value(v, spec, path, out):
    if spec == "ENDPOINT":
        if not isinstance(v, dict):
            out.append((path, "type object"))
            return
        t = v.get("type")
        if "type" not in v:
            out.append((_key(path, "type"), "required"))
            return
        if t not in ENDPOINTS:
            out.append((_key(path, "type"), "enum " + "|".join(ENDPOINTS)))
            return
        check_value(v, ENDPOINTS[t], path, out)
        return
    t = spec["type"]
    if not _is_type(v, t) or (t == "integer" and isinstance(v, float)):
        out.append((path, f"type {t}"))
        return
    if "enum" in spec and v not in spec["enum"]:
        out.append((path, "enum"))
    if "min" in spec and v < spec["min"]:
        out.append((path, f"minimum {spec['min']}"))
    if "max" in spec and v > spec["max"]:
        out.append((path, f"maximum {spec['max']}"))
    if isinstance(v, str):
        if "minLen" in spec and len(v.strip()) < spec["minLen"]:
            out.append((path, f"minLength {spec['minLen']}"))
        n = len(re.sub(r"<[^>]*>", "", v)) if spec.get("ssml_len") else len(v)
        if "maxLen" in spec and n > spec["maxLen"]:
            out.append((path, f"maxLength {spec['maxLen']}"))
        if "pattern" in spec and not re.search(spec["pattern"], v):
            out.append((path, f"pattern {spec['pattern']}"))
    if isinstance(v, list):
        if "minItems" in spec and len(v) < spec["minItems"]:
            out.append((path, f"minItems {spec['minItems']}"))
        if "maxItems" in spec and len(v) > spec["maxItems"]:
            out.append((path, f"maxItems {spec['maxItems']}"))
        if spec.get("unique") and len(set(map(json.dumps, v))) != len(v):
            out.append((path, "uniqueItems"))
        if "items" in spec:
            for i, x in enumerate(v):
                check_value(x, spec["items"], f"{path}[{i}]", out)
    if isinstance(v, dict) and "props" in spec:
        check_object(v, spec["props"], path, out)


def check_object(obj, props, path, out):
    for k, ps in props.items():
        if k in obj:
            check_value(obj[k], ps, _key(path, k), out)
        elif isinstance(ps, dict) and ps.get("req"):
            out.append((_key(path, k), "required"))


def check_ncco(ncco):
    """Strict documented rules. Returns a list of (json_path, rule)."""
    out = []
    if not isinstance(ncco, list):
        return [("$", "type array")]
    if not ncco:
        return [("$", "minItems 1")]
    for i, a in enumerate(ncco):
        p = f"$[{i}]"
        if not isinstance(a, dict):
            out.append((p, "type object"))
            continue
        if "action" not in a:
            out.append((p + ".action", "required"))
            continue
        if a["action"] not in ACTIONS:
            out.append((p + ".action", "enum " + "|".join(ACTIONS)))
            continue
        check_object(a, ACTIONS[a["action"]]["props"], p, out)
        # cross-field rules
        if a["action"] == "connect" and a.get("randomFromNumber") is True and "from" in a:
            out.append((p + ".randomFromNumber", "randomFromNumber=true excludes from (R:141)"))
        if a["action"] == "conversation" and a.get("mute") is True and a.get("canSpeak"):
            out.append((p + ".mute", "mute is not supported with canSpeak (R:121)"))
        if a["action"] == "record" and "channels" in a and a.get("split") != "conversation":
            out.append((p + ".channels", "channels needs split=conversation (R:64)"))
        if a["action"] == "input" and isinstance(a.get("type"), list):
            if "dtmf" in a and "dtmf" not in a["type"]:
                out.append((p + ".dtmf", "dtmf settings given but type lacks \"dtmf\""))
            if "speech" in a and "speech" not in a["type"]:
                out.append((p + ".speech", "speech settings given but type lacks \"speech\""))
            if a.get("mode") == "asynchronous" and "dtmf" in a["type"]:
                out.append((p + ".mode", "dtmf input cannot be asynchronous (JV InputAction.java:47-48)"))
    # bargeIn: "the next non-talk (non-stream) action must be an input action" (R:212, R:235)
    for i, a in enumerate(ncco):
        if isinstance(a, dict) and a.get("action") in ("talk", "stream") and a.get("bargeIn") is True:
            nxt = next((b for b in ncco[i + 1:] if isinstance(b, dict)
                        and b.get("action") not in ("talk", "stream")), None)
            if not (isinstance(nxt, dict) and nxt.get("action") == "input"):
                out.append((f"$[{i}].bargeIn", "bargeIn=true needs a following input action (R:212,235)"))
    return out


# ---------------------------------------------------------------------------------------------
# 4. Case construction
# ---------------------------------------------------------------------------------------------

CASES = []  # dicts: dir, name, ncco, path, rule, tier, source, note


LAST_BASE = [None]


def add(dir_, name, ncco, path="$", rule="valid", tier="docs", source="", note="", base=None):
    """base: the same NCCO before the one mutation (invalid cases), used to attribute a schema
    rejection to the mutation itself."""
    CASES.append(dict(dir=dir_, name=name, ncco=ncco, path=path, rule=rule, tier=tier,
                      source=source, note=note, base=base))


TEXT_1500 = ("Your call is important to us. Please stay on the line. " * 30)[:1500]
GREETING = {"action": "talk", "text": "Please wait while we connect you."}
PROMPT = {"action": "talk", "text": "Press 1 for sales or 2 for support, then the hash key.",
          "bargeIn": True}
FOLLOW_INPUT = {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1},
                "eventUrl": ["https://example.com/webhooks/dtmf"]}


# properties that only make sense together with another one (R:64, R:305-307)
COMPANIONS = {("record", "channels"): {"split": "conversation"},
              ("input", "speech"): {"type": ["speech"]}}


def minimal(action):
    a = {"action": action}
    for k, ps in ACTIONS[action]["props"].items():
        if isinstance(ps, dict) and ps.get("req") and ps.get("items") != "ENDPOINT":
            a[k] = json.loads(json.dumps(ps["ex"]))
    if action == "connect":
        a["endpoint"] = [dict(PHONE["ex"])]
    if action == "input":
        a["type"] = ["dtmf"]
    return a


def wrap(action_obj):
    """Realistic context; returns (ncco, index of action_obj)."""
    act = action_obj["action"]
    if act == "input":
        return [dict(PROMPT), action_obj], 1
    if act == "connect":
        return [dict(GREETING), action_obj], 1
    if act in ("talk", "stream") and action_obj.get("bargeIn") is True:
        return [action_obj, dict(FOLLOW_INPUT)], 0
    return [action_obj], 0


def full_obj(spec):
    """Every property set (for sub-objects)."""
    o = {}
    for k, ps in spec["props"].items():
        if isinstance(ps, dict):
            o[k] = full_obj(ps) if ps["type"] == "object" and "props" in ps else json.loads(json.dumps(ps["ex"]))
    return o


def maximal(action):
    a = {"action": action}
    for k, ps in ACTIONS[action]["props"].items():
        if ps == "ENDPOINT" or (isinstance(ps, dict) and ps.get("items") == "ENDPOINT"):
            continue
        a[k] = full_obj(ps) if ps["type"] == "object" and "props" in ps else json.loads(json.dumps(ps["ex"]))
    if action == "connect":
        a.pop("randomFromNumber")          # mutually exclusive with from (R:141); see separate case
        a["endpoint"] = [full_obj(PHONE)]
    if action == "conversation":
        a.pop("mute")                      # not supported with canSpeak (R:121); see separate case
    if action == "input":
        a["type"] = ["dtmf", "speech"]
    if action == "record":
        a["split"] = "conversation"
    return a


def bad_values(ps):
    """(suffix, value, rule) triples, one rule each."""
    t = ps["type"]
    out = []
    wrong = ps.get("bad_type")
    if wrong is None:
        wrong = {"string": 42, "boolean": "yes", "integer": "ten", "number": "ten",
                 "array": "x", "object": "x"}[t]
    out.append(("type", wrong, f"type {t}"))
    if "bad_frac" in ps:
        out.append(("fraction", ps["bad_frac"], "type integer"))
    if "bad_enum" in ps:
        out.append(("enum", ps["bad_enum"], "enum " + ("|".join(ps["enum"]) if len(ps["enum"]) < 8
                                                      else f"({len(ps['enum'])} values)")))
    step = 1 if t == "integer" else 0.1
    if "min" in ps:
        lo = ps["min"] - step
        out.append(("below-min", round(lo, 6), f"minimum {ps['min']}"))
    if "max" in ps:
        out.append(("above-max", round(ps["max"] + step, 6), f"maximum {ps['max']}"))
    if "maxLen" in ps:
        out.append(("too-long", ("Welcome to Example Corp. " * 61)[:ps["maxLen"] + 1], f"maxLength {ps['maxLen']}"))
    if "minLen" in ps:
        out.append(("blank", " ", f"minLength {ps['minLen']} (non-blank)"))
    if "bad_pattern" in ps:
        out.append(("pattern", ps["bad_pattern"], f"pattern {ps['pattern']}"))
    return out


def emit_property_cases(action, base_fn, setter, label, ps, path_of, source_cite, ctx_tier):
    """Valid boundary cases and one invalid case per rule for one (possibly nested) property."""
    src_tier = ps.get("src", "docs") if ctx_tier == "docs" else ctx_tier
    for suffix, value, rule in bad_values(ps):
        a = base_fn()
        setter(a, json.loads(json.dumps(ps["ex"])) if "ex" in ps else value)
        good, _ = wrap(json.loads(json.dumps(a)))
        a = base_fn()
        setter(a, value)
        ncco, idx = wrap(a)
        add("invalid", f"{action}-{label}-{suffix}", ncco, path_of(idx), rule, src_tier, source_cite,
            base=good)
    for bound in ("min", "max"):
        if bound in ps:
            a = base_fn()
            setter(a, ps[bound])
            ncco, idx = wrap(a)
            add("valid", f"{action}-{label}-at-{bound}", ncco, source=source_cite, tier=src_tier,
                note=f"inclusive bound {bound}={ps[bound]}")


def path_fn(*keys):
    def f(idx):
        p = f"$[{idx}]"
        for k in keys:
            p = p + f"[{k}]" if isinstance(k, int) else _key(p, k)
        return p
    return f


def build():
    # --- per action: minimal, maximal, per-property cases ---------------------------------
    for action, spec in ACTIONS.items():
        ncco, _ = wrap(minimal(action))
        add("valid", f"{action}-minimal", ncco, source=spec["cite"],
            tier="sdk" if action in ("wait", "transfer") else "docs")
        mx = maximal(action)
        ncco, _ = wrap(mx)
        add("valid", f"{action}-maximal", ncco, source=spec["cite"],
            tier="sdk" if action in ("wait", "transfer") else "docs",
            note="every documented property set")
        for k, ps in spec["props"].items():
            if ps.get("items") == "ENDPOINT":
                continue
            def setter(a, v, k=k, action=action):
                a[k] = v
                a.update(COMPANIONS.get((action, k), {}))
            emit_property_cases(action, lambda action=action: minimal(action), setter, k, ps,
                                path_fn(k), ps["cite"], "docs")
            if ps.get("req"):
                a = minimal(action)
                del a[k]
                ncco, idx = wrap(a)
                add("invalid", f"{action}-{k}-missing", ncco, path_fn(k)(idx), "required",
                    ps.get("src", "docs"), ps["cite"])
            if ps["type"] == "array" and isinstance(ps.get("items"), dict):
                ips = ps["items"]
                base_val = ps["ex"]
                def isetter(a, v, k=k, base_val=base_val):
                    a[k] = [v] + list(base_val[1:]) if k != "type" else [v]
                if any(x in ips for x in ("bad_pattern", "bad_enum")) or ips["type"] != "string":
                    emit_property_cases(action, lambda action=action: minimal(action), isetter,
                                        f"{k}-item", dict(ips, bad_type=ips.get("bad_type", 7)),
                                        path_fn(k, 0), ps["cite"], ps.get("src", "docs"))
                else:
                    a = minimal(action)
                    a[k] = [7]
                    ncco, idx = wrap(a)
                    add("invalid", f"{action}-{k}-item-type", ncco, path_fn(k, 0)(idx), "type string",
                        ps.get("src", "docs"), ps["cite"])
                if "maxItems" in ps:
                    a = minimal(action)
                    a[k] = list(ps["ex"]) + [ps["ex"][0].replace("example.com", "example.org")
                                             if "example.com" in ps["ex"][0] else ps["ex"][0][:-1] + "f"]
                    ncco, idx = wrap(a)
                    add("invalid", f"{action}-{k}-too-many", ncco, path_fn(k)(idx),
                        f"maxItems {ps['maxItems']}", ps.get("src", "docs"), ps["cite"])
                if "minItems" in ps:
                    a = minimal(action)
                    a[k] = []
                    ncco, idx = wrap(a)
                    add("invalid", f"{action}-{k}-empty", ncco, path_fn(k)(idx),
                        f"minItems {ps['minItems']}", ps.get("src", "docs"), ps["cite"])
            if ps["type"] == "object" and "props" in ps:
                for sk, sps in ps["props"].items():
                    def ssetter(a, v, k=k, sk=sk):
                        a[k] = {sk: v}
                        if action == "input":
                            a["type"] = [k]
                    def sbase(action=action):
                        return minimal(action)
                    emit_property_cases(action, sbase, ssetter, f"{k}-{sk}", sps,
                                        path_fn(k, sk), sps["cite"], "docs")
                    if sps["type"] == "array" and isinstance(sps.get("items"), dict):
                        a = minimal(action)
                        a[k] = {sk: [7]}
                        if action == "input":
                            a["type"] = [k]
                        ncco, idx = wrap(a)
                        add("invalid", f"{action}-{k}-{sk}-item-type", ncco, path_fn(k, sk, 0)(idx),
                            "type string", sps.get("src", "docs"), sps["cite"])
                    if "maxItems" in sps:
                        a = minimal(action)
                        a[k] = {sk: sps["ex"] + ["bbbbbbbb-cccc-dddd-eeee-0123456789ab"]}
                        if action == "input":
                            a["type"] = [k]
                        ncco, idx = wrap(a)
                        add("invalid", f"{action}-{k}-{sk}-too-many", ncco, path_fn(k, sk)(idx),
                            f"maxItems {sps['maxItems']}", sps.get("src", "docs"), sps["cite"])

    # --- connect endpoints ------------------------------------------------------------------
    for et, es in ENDPOINTS.items():
        def cbase(et=et):
            a = minimal("connect")
            a["endpoint"] = [dict(ENDPOINTS[et]["ex"])]
            return a
        ncco, _ = wrap(cbase())
        add("valid", f"connect-{et}-minimal", ncco, source=es["cite"])
        a = minimal("connect")
        a["from"] = "447700900000"
        a["eventUrl"] = ["https://example.com/webhooks/event"]
        a["endpoint"] = [full_obj(es)]
        ncco, _ = wrap(a)
        add("valid", f"connect-{et}-maximal", ncco, source=es["cite"], note="every endpoint property set")
        for k, ps in es["props"].items():
            if k == "type":
                continue
            def esetter(a, v, k=k):
                a["endpoint"][0][k] = v
            emit_property_cases("connect", cbase, esetter, f"{et}-{k}", ps,
                                path_fn("endpoint", 0, k), ps["cite"], "docs")
            if ps.get("req"):
                a = cbase()
                del a["endpoint"][0][k]
                ncco, idx = wrap(a)
                add("invalid", f"connect-{et}-{k}-missing", ncco, path_fn("endpoint", 0, k)(idx),
                    "required", "docs", ps["cite"])
            if ps["type"] == "object" and "props" in ps:
                for sk, sps in ps["props"].items():
                    def osetter(a, v, k=k, sk=sk):
                        a["endpoint"][0][k] = dict(ps["ex"], **{sk: v})
                    emit_property_cases("connect", cbase, osetter, f"{et}-{k}-{sk}", sps,
                                        path_fn("endpoint", 0, k, sk), sps["cite"], "docs")
                    if sps.get("req"):
                        a = cbase()
                        a["endpoint"][0][k] = {}
                        ncco, idx = wrap(a)
                        add("invalid", f"connect-{et}-{k}-{sk}-missing", ncco,
                            path_fn("endpoint", 0, k, sk)(idx), "required", "docs", sps["cite"])
    a = minimal("connect")
    del a["endpoint"][0]["type"]
    ncco, idx = wrap(a)
    add("invalid", "connect-endpoint-type-missing", ncco, path_fn("endpoint", 0, "type")(idx),
        "required", "docs", "S:18-22; R:156,165,172,181,191")
    a = minimal("connect")
    a["endpoint"][0] = {"type": "pstn", "number": "447700900001"}
    ncco, idx = wrap(a)
    add("invalid", "connect-endpoint-type-enum", ncco, path_fn("endpoint", 0, "type")(idx),
        "enum phone|app|websocket|sip|vbc", "docs", "S:5-17; R:150-192")

    ep_cite = CONNECT["props"]["endpoint"]["cite"]
    a = minimal("connect")
    good, _ = wrap(json.loads(json.dumps(a)))
    a["endpoint"] = a["endpoint"][0]
    ncco, idx = wrap(a)
    add("invalid", "connect-endpoint-not-array", ncco, f"$[{idx}].endpoint", "type array", "docs",
        ep_cite, base=good)
    a = minimal("connect")
    del a["endpoint"]
    ncco, idx = wrap(a)
    add("invalid", "connect-endpoint-missing", ncco, f"$[{idx}].endpoint", "required", "docs", ep_cite,
        base=good)
    a = minimal("connect")
    a["endpoint"] = []
    ncco, idx = wrap(a)
    add("invalid", "connect-endpoint-empty", ncco, f"$[{idx}].endpoint", "minItems 1", "docs", ep_cite,
        base=good)
    a = minimal("connect")
    a["endpoint"].append({"type": "phone", "number": "447700900002"})
    ncco, idx = wrap(a)
    add("invalid", "connect-endpoint-too-many", ncco, f"$[{idx}].endpoint", "maxItems 1", "docs",
        ep_cite, base=good, note="R:139 'currently supports a maximum of one endpoint'; S has no maxItems")

    # --- every value of small enums is accepted -----------------------------------------------
    enum_cases = [("record", "format", RECORD), ("connect", "machineDetection", CONNECT),
                  ("connect", "eventMethod", CONNECT), ("record", "eventMethod", RECORD)]
    for action, k, spec in enum_cases:
        for v in spec["props"][k]["enum"]:
            a = minimal(action)
            a[k] = v
            ncco, _ = wrap(a)
            add("valid", f"{action}-{k}-{v}", ncco, source=spec["props"][k]["cite"])
    for v in WEBSOCKET["props"]["content-type"]["enum"]:
        a = minimal("connect")
        a["endpoint"] = [dict(WEBSOCKET["ex"], **{"content-type": v})]
        ncco, _ = wrap(a)
        add("valid", "connect-websocket-content-type-" + v.split("=")[1], ncco,
            source=WEBSOCKET["props"]["content-type"]["cite"])
    for name, uri in (("ws", "ws://example.com/socket"), ("wss", "wss://example.com/socket")):
        a = minimal("connect")
        a["endpoint"] = [dict(WEBSOCKET["ex"], uri=uri)]
        ncco, _ = wrap(a)
        add("valid", f"connect-websocket-uri-{name}", ncco, source="S:67 ^wss?:")
    for name, uri in (("sips", "sips:rebekka@sip.example.com"),
                      ("tls-srtp", "sip:rebekka@sip.example.com;transport=tls;media=srtp")):
        a = minimal("connect")
        a["endpoint"] = [{"type": "sip", "uri": uri}]
        ncco, _ = wrap(a)
        add("valid", f"connect-sip-uri-{name}", ncco, source="S:97 ^sips?:; R:182")

    # --- top level and cross-field rules ----------------------------------------------------
    add("invalid", "ncco-not-array", {"action": "talk", "text": "Hello"}, "$", "type array",
        "schema", "S:529")
    add("invalid", "ncco-empty", [], "$", "minItems 1", "schema", "S:533")
    add("invalid", "ncco-action-missing", [{"text": "Hello from Example Corp."}], "$[0].action",
        "required", "schema", "S:128-132")
    add("invalid", "ncco-action-unknown", [{"action": "speak", "text": "Hello from Example Corp."}],
        "$[0].action", "enum record|conversation|connect|talk|stream|input|notify|wait|transfer",
        "schema", "S:106-127; R:18-26")
    add("invalid", "ncco-action-wrong-case", [{"action": "Talk", "text": "Hello from Example Corp."}],
        "$[0].action", "enum (case-sensitive)", "schema", "S:389-393")
    add("invalid", "ncco-element-not-object", [{"action": "talk", "text": "Hello"}, "hangup"],
        "$[1]", "type object", "schema", "S:106-127")
    a = minimal("connect")
    a["randomFromNumber"] = True
    a["from"] = "447700900000"
    ncco, idx = wrap(a)
    add("invalid", "connect-randomFromNumber-with-from", ncco, f"$[{idx}].randomFromNumber",
        "randomFromNumber=true excludes from (R:141)", "docs", "R:141; PY ncco.py:174-177; JV ConnectAction.java:56-57")
    a = minimal("connect")
    a["randomFromNumber"] = True
    ncco, _ = wrap(a)
    add("valid", "connect-randomFromNumber", ncco, source="R:141")
    a = minimal("conversation")
    a.update(mute=True, canSpeak=["6a4d6af0-55a6-4667-be90-8614e4c8e83c"])
    ncco, idx = wrap(a)
    add("invalid", "conversation-mute-with-canSpeak", ncco, f"$[{idx}].mute",
        "mute is not supported with canSpeak (R:121)", "docs", "R:121; PY ncco.py:110-116")
    a = minimal("conversation")
    a.update(mute=True, canHear=["6a4d6af0-55a6-4667-be90-8614e4c8e83c"])
    ncco, _ = wrap(a)
    add("valid", "conversation-mute-with-canHear", ncco, source="R:121")
    a = minimal("conversation")
    a.update(canSpeak=[], canHear=[])
    ncco, _ = wrap(a)
    add("valid", "conversation-canSpeak-canHear-empty", ncco, source="R:119-120",
        note="empty list = heard by / hears nobody; not the same as absent")
    a = minimal("record")
    a["channels"] = 2
    ncco, idx = wrap(a)
    add("invalid", "record-channels-without-split", ncco, f"$[{idx}].channels",
        "channels needs split=conversation (R:64)", "docs",
        "R:64 (PY ncco.py:62-66 and JV RecordAction.java:57 silently add split instead)")
    for t in (["speech"], ["dtmf", "speech"], ["speech", "dtmf"]):
        a = minimal("input")
        a["type"] = t
        ncco, _ = wrap(a)
        add("valid", "input-type-" + "-".join(t), ncco, source="R:305")
    a = minimal("input")
    a["type"] = ["dtmf", "dtmf"]
    ncco, idx = wrap(a)
    add("invalid", "input-type-duplicate", ncco, f"$[{idx}].type", "uniqueItems", "docs",
        "R:305 (a set; JV InputAction.java:132 LinkedHashSet)")
    a = minimal("input")
    a["speech"] = {"context": ["sales"]}
    ncco, idx = wrap(a)
    add("invalid", "input-speech-settings-without-speech-type", ncco, f"$[{idx}].speech",
        "speech settings given but type lacks \"speech\"", "docs", "R:305-307")
    a = minimal("input")
    a["mode"] = "asynchronous"
    a["type"] = ["speech"]
    ncco, _ = wrap(a)
    add("valid", "input-mode-asynchronous-speech", ncco, tier="sdk", source="JS InputAction.ts:54; JV InputAction.java:47-48")
    a = minimal("input")
    a["mode"] = "asynchronous"
    ncco, idx = wrap(a)
    add("invalid", "input-mode-asynchronous-dtmf", ncco, f"$[{idx}].mode",
        "dtmf input cannot be asynchronous (JV InputAction.java:47-48)", "sdk", "JV InputAction.java:47-48")
    add("invalid", "talk-bargeIn-without-input",
        [{"action": "talk", "text": "Press 1 for sales.", "bargeIn": True},
         {"action": "connect", "endpoint": [{"type": "phone", "number": "447700900001"}]}],
        "$[0].bargeIn", "bargeIn=true needs a following input action (R:212,235)", "docs", "R:200,212,276")
    add("valid", "talk-bargeIn-then-stream-then-input",
        [{"action": "talk", "text": "Welcome to Example Corp.", "bargeIn": True},
         {"action": "stream", "streamUrl": ["https://example.com/audio/menu.mp3"], "bargeIn": True},
         {"action": "input", "type": ["dtmf"], "eventUrl": ["https://example.com/webhooks/dtmf"]}],
        source="R:212,235", note="the next non-talk/stream action is the input")
    add("valid", "talk-ssml", [{"action": "talk",
                                 "text": "<speak><prosody rate='fast'>I can speak fast.</prosody></speak>"}],
        source="E talk/ssml.md:7-12")
    tags = "<speak>" + "<break time='1s'/>" * 20 + TEXT_1500 + "</speak>"
    add("valid", "talk-text-1500-chars-plus-ssml-tags", [{"action": "talk", "text": tags}],
        source="R:211 ('up to 1,500 characters (excluding SSML tags)')",
        note="S:396 maxLength 1500 counts the tags and rejects this; docs accept it")
    add("valid", "talk-text-1500-chars", [{"action": "talk", "text": TEXT_1500}], source="S:396; R:211",
        note="inclusive bound maxLength=1500")
    add("valid", "conversation-moderated", [
        {"action": "talk", "text": "Welcome to a Vonage moderated conference. We will connect you when an agent is available"},
        {"action": "conversation", "name": "nexmo-conference-moderated", "startOnEnter": False,
         "musicOnHoldUrl": ["https://nexmo-community.github.io/ncco-examples/assets/voice_api_audio_streaming.mp3"]}],
        source="E conversation/moderated-conference-attendee.md:7-19 (voiceName dropped)",
        note="musicOnHoldUrl as an array: S:210-214 (string) rejects it")
    add("valid", "notify-docs-example", [{"action": "notify", "payload": {"foo": "bar"},
                                          "eventUrl": ["https://example.com/webhooks/event"],
                                          "eventMethod": "POST"}], source="R:391-404")
    add("valid", "ivr-docs-example", [
        {"action": "talk", "text": "Please enter a digit or say something", "bargeIn": True},
        {"action": "input", "eventUrl": ["https://example.com/ivr"], "type": ["dtmf", "speech"],
         "dtmf": {"maxDigits": 1}, "speech": {"context": ["sales", "support"]}}], source="R:278-298")
    add("valid", "connect-fallback-docs-example", [
        {"action": "connect", "from": "447700900000", "timeout": 5, "eventType": "synchronous",
         "eventUrl": ["https://example.com/event-fallback"],
         "endpoint": [{"type": "phone", "number": "447700900001"}]}],
        source="E connect/fallback-ncco-connect.md:15-33")
    add("valid", "record-then-connect-docs-example", [
        {"action": "record", "eventUrl": ["https://example.com/recordings"]},
        {"action": "connect", "eventUrl": ["https://example.com/events"], "from": "447700900000",
         "endpoint": [{"type": "phone", "number": "447700900001"}]}], source="R:34-52")
    add("valid", "unknown-property-ignored", [{"action": "talk", "text": "Hello from Example Corp.",
                                               "x-trace-id": "abc123"}],
        source="S (no additionalProperties anywhere)",
        note="neither S nor R forbid unknown members; a reader may warn but should not reject")

    # --- legacy / lenient forms Vonage's own examples use ------------------------------------
    legacy = [
        ("input-toplevel-submitOnHash-no-type", [
            {"action": "talk", "text": "Press 1 for maybe and 2 for not sure followed by the hash key",
             "language": "en-GB", "bargeIn": True},
            {"action": "input", "submitOnHash": True, "eventUrl": ["https://example.com/ivr"]}],
         "$[1]", "input without type; submitOnHash at top level (pre-dtmf-object form)",
         "E talk/asynchronous.md:7-27; S:257-267 defines exactly this shape"),
        ("input-toplevel-maxDigits-timeOut-no-type", [
            {"action": "talk", "text": "Enter your 4 digit PIN.", "bargeIn": True},
            {"action": "input", "maxDigits": 4, "timeOut": 5, "submitOnHash": True,
             "eventUrl": ["https://example.com/webhooks/pin"]}],
         "$[1]", "top-level maxDigits/timeOut/submitOnHash, no type", "S:257-267"),
        ("stream-bargeIn-string-input-submitOnHash-string", [
            {"action": "stream", "streamUrl": ["https://acme.com/streams/announcement.mp3"], "bargeIn": "true"},
            {"action": "input", "submitOnHash": "true", "eventUrl": ["https://example.com/ivr"]}],
         "$[0].bargeIn", "string booleans (\"true\")",
         "E stream/asynchronous.md:7-20 (the original also lacks a comma after streamUrl)"),
        ("input-dtmf-submitOnHash-string", [
            {"action": "talk", "text": "Press 1 for sales.", "bargeIn": True},
            {"action": "input", "type": ["dtmf"], "dtmf": {"submitOnHash": "true"},
             "eventUrl": ["https://example.com/ivr"]}],
         "$[1].dtmf.submitOnHash", "string boolean inside dtmf",
         "E _examples/voice/ncco/actions/asynchronous.md:21-27 (the original has a typo \"dtmf: {)"),
        ("connect-timeout-string", [
            {"action": "talk", "text": "Please wait while we connect you"},
            {"action": "connect", "eventUrl": ["https://example.com/events"], "timeout": "45",
             "from": "447700900000",
             "endpoint": [{"type": "phone", "number": "447700900001", "dtmfAnswer": "2p02p"}]}],
         "$[1].timeout", "string number (\"45\")", "E connect/phone-endpoint-connect.md:6-26"),
        ("talk-level-string", [{"action": "talk", "text": "Your call is important to us.", "level": "0.4"}],
         "$[0].level", "string number (\"0.4\")",
         "Y:333-337 (REST talk: level is a string); JS TalkAction.ts:33 (string)"),
        ("talk-voiceName", [{"action": "talk", "voiceName": "Russell",
                             "text": "Thank you for calling. Connecting you to extension."},
                            {"action": "connect", "endpoint": [{"type": "vbc", "extension": "111"}]}],
         "$[0].voiceName", "deprecated voiceName (still used by Vonage examples)",
         "E connect/vbc-extension-connect.md:6-23; S:405-407; Y:981-986"),
        ("conversation-musicOnHoldUrl-string", [
            {"action": "conversation", "name": "support-room-42",
             "musicOnHoldUrl": "https://example.com/audio/hold.mp3"}],
         "$[0].musicOnHoldUrl", "musicOnHoldUrl as a plain string", "S:210-214 (the only form S accepts)"),
        ("connect-websocket-ws-scheme-headers-nested", [
            {"action": "talk", "text": "Please wait while we connect you"},
            {"action": "connect", "eventType": "synchronous", "eventUrl": ["https://example.com/events"],
             "from": "447700900000",
             "endpoint": [{"type": "websocket", "uri": "ws://example.com/socket",
                           "content-type": "audio/l16;rate=16000",
                           "headers": {"name": "J Doe", "age": 40,
                                       "address": {"line_1": "Apartment 14", "city": "New York City"},
                                       "system_roles": [183493, 1038492, 22], "enable_auditing": False}}]}],
         "$", "valid (plain ws:, nested header values)", "E connect/websocket-endpoint-connect.md:6-39"),
        ("wait-timeout-clamped-low", [{"action": "wait", "timeout": 0.05}],
         "$[0].timeout", "below 0.1: clamped to 0.1, not rejected", "JS WaitAction.ts:14-19"),
        ("wait-timeout-clamped-high", [{"action": "wait", "timeout": 9000}],
         "$[0].timeout", "above 7200: clamped to 7200, not rejected", "JS WaitAction.ts:14-19"),
        ("phone-number-7-digits", [
            {"action": "connect", "endpoint": [{"type": "phone", "number": "1234567"}]}],
         "$[0].endpoint[0].number", "7-digit number: Y:906-912 and PY accept, S:37 (minLength 10) rejects",
         "Y:906-912; S:35-40; PY types.py:5"),
    ]
    for name, ncco, path, rule, src in legacy:
        add("legacy", name, ncco, path, rule, "legacy", src)


# ---------------------------------------------------------------------------------------------
# 5. Verify and write
# ---------------------------------------------------------------------------------------------

SCHEMA_DEF = {"talk": "ncco-talk", "stream": "ncco-stream", "input": "ncco-input",
              "record": "ncco-record", "conversation": "ncco-conversation", "connect": "ncco-connect",
              "phone": "endpoint-phone", "websocket": "endpoint-websocket", "sip": "endpoint-sip"}


def schema_says(owner, prop):
    if owner is None:
        return "absent (S has no such sub-object)"
    d = SCHEMA_DEF.get(owner)
    if d is None:
        return "absent (S has no such action/endpoint)"
    body = SCHEMA["definitions"][d]["allOf"][1]
    if prop not in body.get("properties", {}):
        return "absent" + (", but required" if prop in body.get("required", []) else "")
    sub = dict(body["properties"][prop])
    if "$ref" in sub:
        sub = {"enum": f"<{sub['$ref'].rsplit('/', 1)[1]}: {len(SCHEMA['definitions'][sub['$ref'].rsplit('/', 1)[1]]['enum'])} values>"}
    if isinstance(sub.get("items"), dict) and "$ref" in sub["items"]:
        sub["items"] = "<endpoint oneOf phone|websocket|sip>"
    txt = json.dumps(sub, ensure_ascii=False).replace("|", "\\|")
    if prop in body.get("required", []):
        txt += " **required**"
    return "`" + txt + "`" if "`" not in txt else txt


def _cell(ps):
    t = ps["type"]
    if t == "array" and isinstance(ps.get("items"), dict):
        t = f"array of {ps['items']['type']}"
        if "enum" in ps["items"]:
            t += " (" + "\\|".join(ps["items"]["enum"]) + ")"
        if "pattern" in ps["items"]:
            t += f" matching `{ps['items']['pattern']}`"
    cons = []
    if "enum" in ps:
        cons.append("enum " + ("\\|".join(ps["enum"]) if len(ps["enum"]) < 8 else f"({len(ps['enum'])} values, see S)"))
    for k, lab in (("min", "min"), ("max", "max"), ("minLen", "minLength"), ("maxLen", "maxLength"),
                   ("minItems", "minItems"), ("maxItems", "maxItems")):
        if k in ps:
            cons.append(f"{lab} {ps[k]}")
    if "pattern" in ps:
        cons.append(f"pattern `{ps['pattern']}`")
    if ps.get("unique"):
        cons.append("unique items")
    if ps.get("deprecated"):
        cons.append("deprecated")
    return t, "; ".join(cons) or "—"


def rules_table():
    out = []
    def table(title, owner, props, cite):
        out.append(f"\n### {title}\n\nSource: {cite}\n")
        out.append("| property | type (docs) | constraints (docs) | default | req. | tier | S (ncco-schema.json) says | cite |")
        out.append("|---|---|---|---|---|---|---|---|")
        for k, ps in props.items():
            if ps == "ENDPOINT" or ps.get("items") == "ENDPOINT":
                out.append(f"| `{k}` | array of endpoint | minItems 1; maxItems 1 (R:139) | — | yes | docs | {schema_says(owner, k)} | {ps['cite']} |")
                continue
            t, c = _cell(ps)
            d = json.dumps(ps["default"]) if "default" in ps else "—"
            out.append(f"| `{k}` | {t} | {c} | {d} | {'yes' if ps.get('req') else 'no'} | {ps.get('src', 'docs')} | "
                       f"{schema_says(owner, k)} | {ps['cite'].replace('|', '/')} |")
    for action, spec in ACTIONS.items():
        table(f"`{action}`", action, spec["props"], spec["cite"])
        for k, ps in spec["props"].items():
            if isinstance(ps, dict) and ps.get("type") == "object" and "props" in ps:
                table(f"`{action}.{k}`", None, ps["props"], ps["cite"])
    for et, es in ENDPOINTS.items():
        table(f"`connect.endpoint[]` type `{et}`", et, es["props"], es["cite"])
        for k, ps in es["props"].items():
            if ps.get("type") == "object" and "props" in ps:
                table(f"`connect.endpoint[]` `{et}.{k}`", None, ps["props"], ps["cite"])
    return "\n".join(out) + "\n"


def write_rules_table():
    path = os.path.join(HERE, "RULES.md")
    if not os.path.exists(path):
        return
    text = open(path, encoding="utf-8").read()
    a, b = "<!-- BEGIN GENERATED TABLES -->", "<!-- END GENERATED TABLES -->"
    if a in text and b in text:
        head, rest = text.split(a, 1)
        tail = rest.split(b, 1)[1]
        with open(path, "w", encoding="utf-8") as f:
            f.write(head + a + "\n" + rules_table() + b + tail)


def main():
    build()
    names = set()
    problems = []
    for c in CASES:
        key = (c["dir"], c["name"])
        if key in names:
            problems.append(f"duplicate name {key}")
        names.add(key)
        viol = check_ncco(c["ncco"])
        c["docs"] = "accepts" if not viol else "rejects"
        c["docs_violations"] = viol
        c["schema"] = "accepts" if schema_valid(c["ncco"]) else "rejects"
        if c["dir"] == "valid" and viol:
            problems.append(f"valid/{c['name']}: {viol}")
        if c["dir"] == "invalid":
            base_ok = c["base"] is not None and schema_valid(c["base"])
            if c["tier"] == "schema" and c["schema"] != "rejects":
                problems.append(f"invalid/{c['name']}: tier schema but S accepts it")
            elif c["schema"] == "rejects" and base_ok:
                c["tier"] = "schema"   # S itself rejects it, and accepts it without the mutation
            elif c["schema"] == "rejects" and c["tier"] != "schema":
                c["note"] = (c["note"] + "; " if c["note"] else "") + \
                    "S rejects this NCCO for other reasons too (action/endpoint unknown to S)"
            if len(viol) != 1 or viol[0][0] != c["path"]:
                problems.append(f"invalid/{c['name']}: expected one fault at {c['path']}, got {viol}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    for d in ("valid", "invalid", "legacy"):
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
        os.makedirs(os.path.join(HERE, d))
    manifest = []
    for c in CASES:
        base = os.path.join(HERE, c["dir"], c["name"])
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump(c["ncco"], f, indent=2, ensure_ascii=False)
            f.write("\n")
        lines = [f"path: {c['path']}", f"rule: {c['rule']}", f"tier: {c['tier']}",
                 f"source: {c['source']}", f"schema: {c['schema']}", f"docs: {c['docs']}"]
        if c["dir"] == "legacy" and c["docs_violations"]:
            lines.append("strict-docs-faults: " + "; ".join(f"{p} {r}" for p, r in c["docs_violations"]))
        if c["note"]:
            lines.append(f"note: {c['note']}")
        with open(base + ".expect", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        manifest.append({k: c[k] for k in ("dir", "name", "path", "rule", "tier", "source",
                                           "schema", "docs", "note")})
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    counts = {}
    for c in CASES:
        counts.setdefault(c["dir"], [0, 0])
        counts[c["dir"]][0] += 1
        counts[c["dir"]][1] += c["schema"] == "accepts"
    write_rules_table()
    for d, (n, acc) in sorted(counts.items()):
        print(f"{d}: {n} cases ({acc} accepted by ncco-schema.json, {n - acc} rejected)")


if __name__ == "__main__":
    main()
