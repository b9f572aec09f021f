#!/usr/bin/env python3
# fake_provider: a scripted LLM server on loopback speaking the OpenAI, Anthropic, Gemini and Ollama wire formats.
"""
Usage: python3 tests/fake_provider.py --port-file FILE --log FILE

Listens on 127.0.0.1 (a free port, written to --port-file once listening) and
answers model requests from a queue of reply specs set through control
endpoints:

  POST /_control/reply     a JSON reply spec (or an array of them): queue it
  POST /_control/default   a JSON reply spec used when the queue is empty
  POST /_control/reset     clear the queue, the default and the request log
  GET  /_control/requests  the request log as a JSON array
  GET  /_control/pending   {"queued": N}: replies not consumed yet
  GET  /_control/tool_errors  tool-result mismatches seen (see TOOL RESULTS)

Model lists (GET, fixed contents, see model_list): .../models with a key
header (OpenAI bearer, Anthropic x-api-key + anthropic-version, Gemini
x-goog-api-key), and Ollama's .../api/tags.

Model endpoints (any path prefix):
  POST .../chat/completions                        OpenAI Chat Completions
  POST .../messages                                Anthropic Messages
  POST .../models/MODEL:streamGenerateContent      Gemini (?alt=sse: SSE)
  POST .../models/MODEL:generateContent            Gemini, one JSON object
  POST .../api/chat                                Ollama (NDJSON)

A reply spec (every field optional):
  text         the reply text, sent in pieces of about 8 bytes
  chunks       explicit list of pieces (overrides text)
  usage        {"input","output","cached","cache_write","reasoning"} written
               as each wire format reports them (OpenAI prompt_tokens = input,
               cached_tokens = cached; Anthropic input_tokens = input,
               cache_read_input_tokens = cached, cache_creation_input_tokens =
               cache_write; Gemini promptTokenCount = input,
               cachedContentTokenCount = cached, thoughtsTokenCount =
               reasoning; Ollama prompt_eval_count = input, eval_count =
               output). Missing fields default to input = ceil(request
               message chars / 4), output = ceil(reply chars / 4), others 0.
               null or false: no usage anywhere in the reply.
  usage_fault  usage that is there but broken, wherever the format puts it:
               "empty" ({}; Ollama: no counts), "negative" (every count
               -(n + 1)), "string" (every count as a string "n"), "huge"
               (every count 9000000000000000)
  stop         "stop" | "length" | "filter" (mapped per format; any other
               string is sent as is)
  status       HTTP status of an error reply with that format's error body
  message      overrides the error message of a status reply
  code         OpenAI error code of a status reply (e.g. insufficient_quota)
  retry_after  Retry-After header value (string); retry_after_ms:
               retry-after-ms header; retry_delay: Gemini RetryInfo delay
               in a 429 body (e.g. "34.4s")
  headers      extra response headers {name: value}
  error_type   error_event: the type the error carries (OpenAI error.code,
               Anthropic error.type, Gemini error.status; e.g.
               invalid_api_key, rate_limit_error, RESOURCE_EXHAUSTED); with
               "chunks": [] the error event comes before any text
  fault        error_event | cut | garbage | huge_line | invalid_utf8 |
               empty | reset | stall | slow | escape (see FAULTS below)
  size         huge_line: bytes of the single huge text piece (10 MB)
  seconds      stall: how long to hold the socket (30)
  delay_ms     pause between pieces
  hold_file    after the first piece, wait (at most 20 s) for this file
  framing      "chunked" or "close" for streams (default: chunked, Gemini close)
  byte_writes  true: write streams one byte per write (decoder stress)
  line_end     SSE line endings: "lf", "crlf" or "cr" (default: as the
               provider sends them, LF; Gemini CRLF)
  comments     true: an SSE comment line ": keep-alive" before every event
  variant      a provider quirk:
               OpenAI "usage_on_finish" (Mistral, Together: usage on the
               finish_reason chunk, no usage chunk), "null_choices" (vLLM:
               the usage chunk has "choices": null), "always_usage"
               (llama.cpp: the usage chunk even without include_usage),
               "deepseek" (prompt_cache_hit_tokens/miss_tokens instead of
               prompt_tokens_details), "openrouter" (a status reply's
               error.code is the status, a number); Anthropic "full_delta_usage"
               (message_delta repeats every usage bucket)

  reasoning    OpenAI streams: reasoning text sent as delta.reasoning_content
               before the answer (DeepSeek). A request for a model whose id
               holds "deepseek-v4" must carry reasoning_content on every
               assistant turn, the very text for turns with calls this fake
               made (else HTTP 400, kept in tool_errors), as DeepSeek V4 does.
  calls        tool calls the reply makes after its text (streams only), each
               {"name", "args" (an object, or a string sent as is: invalid
               JSON, a call cut short), "id" (default: call_N, toolu_N;
               Gemini none), "signature" (Gemini thoughtSignature; default
               "sig-N" on the first call)}, in the format's shape: OpenAI
               delta.tool_calls fragments by index, Anthropic tool_use blocks
               with input_json_delta fragments, Gemini functionCall parts in
               one chunk, Ollama tool_calls whole in one line. The stop
               becomes tool_calls / tool_use unless "stop" says otherwise.

TOOL RESULTS: every request is checked before it is answered: each
assistant turn that carries tool calls must repeat calls this fake made
(same id, name, arguments; Gemini: the signature on the same part, and as
Gemini 3 a signature on the first call of every model turn: one made by
another model carries the sentinel skip_thought_signature_validator), and be
followed at once by one result per call in the format's shape (OpenAI:
role "tool" with tool_call_id; Anthropic: one user message of tool_result
blocks with tool_use_id first; Gemini: one user content of functionResponse
parts in call order, name and id matching, response an object; Ollama:
role "tool" with tool_name, in order). A mismatch is answered with HTTP 400
"fake provider: tool results: ..." and kept: GET /_control/tool_errors.

FAULTS (streams; a non-streamed reply does the same to its one body):
  error_event  the first piece, then an in-stream error in the format's shape
  cut          the first piece, then half of the next event, then close
  garbage      the first piece, then a line that is not JSON, then the end
  huge_line    one text piece of `size` bytes on a single line
  invalid_utf8 text with invalid UTF-8 bytes (INVALID_UTF8 below)
  empty        HTTP 200 with an empty body
  reset        the first piece, then a TCP reset (SO_LINGER 0)
  stall        headers and the first piece, then silence for `seconds`
  slow         pieces with delay_ms (default 50) between them
  escape       text with terminal escapes (ESCAPE_TEXT below)

Prompt cache (off unless --cache or POST /_control/cache {"on": true}):
  POST /_control/cache     {"on": bool, "now": epoch seconds (freezes the
                           clock; null: real time), "advance": seconds to
                           add to the frozen clock, "min": {"model id
                           prefix": tokens}, "clear": true (forget entries)}
  GET  /_control/cache     the settings and every live entry
With it on, a reply spec without explicit cache figures reports what an
honest prefix cache per wire format gives, tokens counted as ceil(chars/4):
  Anthropic  cache_control on blocks (tools, system, message content) or at
             the top level (the last block); at most 4, else HTTP 400. At each
             breakpoint whose prefix reaches the model's minimum (Opus 4.5/4.6
             and Haiku 4.5: 4096; Opus 4.7 and Haiku 3.x: 2048; Opus 5,
             Fable 5, Mythos 5: 512; others 1024) an entry is looked up at
             that block and up to 20 blocks before it; reads are the longest
             hit, writes the rest up to the last breakpoint, split into 1-hour
             and 5-minute parts by ttl; entries live 300 s or 3600 s from
             their last use. Prefixes are keyed by model and exact content.
  OpenAI     automatic above 1024 prompt tokens, in 128-token steps of the
             longest common prefix with a prompt seen in the last 300 s on the
             same model (DeepSeek variant: 64-token steps from 64, reported as
             prompt_cache_hit_tokens); no write charge. prompt_cache_key only
             routes on the real API and changes nothing here.
  Gemini     implicit: the longest common prefix (systemInstruction, then
             contents) with a request of the last 300 s on the same model,
             from the model's minimum (2.5 Flash/Pro: 2048; 3.x and later:
             4096; others 1024), as cachedContentTokenCount.
  Ollama     nothing is reported.

Each model request (and any request that is not a control request) is
appended to --log as one JSON line: {"method","path","query","headers",
"body","format","time"}, flushed before the reply starts; time is when it
arrived (epoch seconds, to the millisecond), for checking retry delays.
"""

import argparse
import collections
import hashlib
import json
import math
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_TEXT = "Hello from the fake provider."
ESCAPE_TEXT = ("Clear\x1b[2Jthe screen, set the clipboard\x1b]52;c;Zm9v\x07"
               " and ring\x07 the bell.")
INVALID_UTF8 = b"Bad \xff\xfe bytes, a cut \xe2\x82 sequence and a fine \xc3\xa9."
CREATED = 1770000000
CREATED_AT = "2026-02-02T02:40:00.000000Z"
HUGE_DEFAULT = 10 * 1024 * 1024
PIECE_BYTES = 8

STOP = threading.Event()


def enc(s):
    """UTF-8 bytes of s; lone surrogates from INVALID_UTF8 become raw bytes."""
    return s.encode("utf-8", "surrogateescape")


def jdump(obj, seps=(",", ":")):
    return enc(json.dumps(obj, ensure_ascii=False, separators=seps))


def split_pieces(text, size=PIECE_BYTES):
    pieces, cur, n = [], [], 0
    for ch in text:
        cur.append(ch)
        n += len(enc(ch))
        if n >= size:
            pieces.append("".join(cur))
            cur, n = [], 0
    if cur:
        pieces.append("".join(cur))
    return pieces


def ceil4(n):
    return int(math.ceil(n / 4.0))


def text_of(v):
    """The text in a message content: a string, a list of parts or a part."""
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "".join(text_of(p) for p in v)
    if isinstance(v, dict):
        t = v.get("text")
        return t if isinstance(t, str) else ""
    return ""


def request_chars(fmt, body):
    """Characters of all message (and system) text in a request body."""
    if not isinstance(body, dict):
        return 0
    n = 0
    if fmt in ("openai", "ollama", "anthropic"):
        for m in body.get("messages") or []:
            if isinstance(m, dict):
                n += len(text_of(m.get("content")))
        if fmt == "anthropic":
            n += len(text_of(body.get("system")))
    elif fmt == "gemini":
        for c in body.get("contents") or []:
            if isinstance(c, dict):
                n += len(text_of(c.get("parts")))
        si = body.get("systemInstruction") or body.get("system_instruction")
        if isinstance(si, dict):
            n += len(text_of(si.get("parts")))
    return n


# Model lists (GET): what each API says it serves, for llm models --remote.
# OpenAI and Anthropic share .../models: the anthropic-version header tells
# them apart. GET .../models without any key header stays an unknown endpoint.
def model_list(path, headers):
    if path.endswith("/api/tags"):
        return 200, {"models": [{"name": "llama3.2", "model": "llama3.2"},
                                {"name": "qwen3:8b", "model": "qwen3:8b"}]}
    if not path.endswith("/models"):
        return None
    if "anthropic-version" in headers:
        if "x-api-key" not in headers:
            return 401, {"type": "error", "error": {"type": "authentication_error",
                                                   "message": "invalid x-api-key"}}
        return 200, {"data": [{"type": "model", "id": "test-mid-1", "display_name": "Test Mid"},
                              {"type": "model", "id": "claude-new-1", "display_name": "New"}],
                     "has_more": False}
    if "x-goog-api-key" in headers:
        return 200, {"models": [
            {"name": "models/test-frontier-1", "supportedGenerationMethods": ["generateContent"]},
            {"name": "models/gemini-new-1", "supportedGenerationMethods": ["generateContent"]},
            {"name": "models/embedding-1", "supportedGenerationMethods": ["embedContent"]}]}
    if "authorization" not in headers:
        return None    # unknown without a key, as before model lists were served
    return 200, {"object": "list", "data": [{"id": "test-cheap-1", "object": "model"},
                                            {"id": "gpt-new-1", "object": "model"},
                                            {"id": "x\u001b[31mred", "object": "model"}]}


class Reply:
    """A reply spec resolved against one request."""

    def __init__(self, spec, fmt, body):
        self.spec = spec
        self.fault = spec.get("fault")
        if "chunks" in spec and isinstance(spec["chunks"], list):
            self.pieces = [str(c) for c in spec["chunks"]]
        else:
            if "text" in spec and spec["text"] is not None:
                text = str(spec["text"])
            elif self.fault == "escape":
                text = ESCAPE_TEXT
            elif self.fault == "invalid_utf8":
                text = INVALID_UTF8.decode("utf-8", "surrogateescape")
            else:
                text = DEFAULT_TEXT
            self.pieces = split_pieces(text)
        if self.fault == "huge_line":
            self.pieces = ["x" * int(spec.get("size", HUGE_DEFAULT))]
        self.text = "".join(self.pieces)
        self.stop = spec.get("stop") or "stop"
        self.variant = spec.get("variant")
        self.delay = float(spec.get("delay_ms", 50 if self.fault == "slow" else 0)) / 1000.0
        u = spec.get("usage", {})
        if u is None or u is False:
            self.usage = None
        else:
            if not isinstance(u, dict):
                u = {}
            self.usage = {
                "input": int(u.get("input", ceil4(request_chars(fmt, body)))),
                "output": int(u.get("output", ceil4(len(self.text)))),
                "cached": int(u.get("cached", 0)),
                "cache_write": int(u.get("cache_write", 0)),
                "reasoning": int(u.get("reasoning", 0)),
                "cache_write_1h": int(u.get("cache_write_1h", 0)),
                "sim": bool(u.get("sim")),
            }
        self.usage_fault = spec.get("usage_fault")
        self.calls = []
        for i, c in enumerate(spec.get("calls") or []):
            if not isinstance(c, dict):
                continue
            args = c.get("args", {})
            self.calls.append({"name": str(c.get("name", "")),
                               "args": args if isinstance(args, str) else json.dumps(args, separators=(",", ":")),
                               "id": c.get("id"), "signature": c.get("signature"),
                               "index": i, "reasoning": spec.get("reasoning")})
        if self.calls and not spec.get("stop"):
            self.stop = "tool_calls"

    def call_id(self, c, prefix):
        """The call's id (made up in the format's style when the spec gives none), registered."""
        if c["id"] is None:
            c["id"] = "%s%s_%d" % (prefix, self.spec.get("id_tag", "") or STATE.next_tag(), c["index"])
        STATE.sent(c)
        return c["id"]

    def craft(self, obj):
        """obj (a usage object) broken as usage_fault says; obj itself without one."""
        f = self.usage_fault
        if not f:
            return obj
        if f == "empty":
            return {}

        def bad(v):
            if isinstance(v, dict):
                return {k: bad(x) for k, x in v.items()}
            if isinstance(v, list):
                return [bad(x) for x in v]
            if isinstance(v, bool) or not isinstance(v, int):
                return v
            return {"negative": -(v + 1), "string": str(v), "huge": 9000000000000000}.get(f, v)
        return bad(obj)


# ---------------------------------------------------------------- formats

def call_args(call):
    """A call's arguments as JSON for the formats that send an object: parsed when
    they parse, else the text itself (a broken call a test stages)."""
    try:
        return json.loads(call["args"])
    except ValueError:
        return call["args"]


class Wire:
    """What the four wire formats share: the request answered, its id, the reply spec
    resolved against it (r) and the model named."""

    def __init__(self, body, rid, reply, model):
        self.body, self.rid, self.r, self.model = body, rid, reply, model

    def headers(self):
        """Headers of the format's own on every reply (a request id and the like)."""
        return {}


class OpenAI(Wire):
    name = "openai"
    ctype = "text/event-stream; charset=utf-8"
    framing = "chunked"
    stops = {"stop": "stop", "length": "length", "filter": "content_filter", "tool_calls": "tool_calls"}

    def __init__(self, body, rid, reply, model):
        super().__init__(body, rid, reply, model)
        so = body.get("stream_options") if isinstance(body, dict) else None
        self.include_usage = isinstance(so, dict) and so.get("include_usage") is True

    def headers(self):
        return {"x-request-id": "req_" + self.rid, "openai-processing-ms": "12"}

    def usage_obj(self):
        return self.r.craft(self.usage_plain())

    def usage_plain(self):
        u = self.r.usage
        if self.r.variant == "deepseek":
            # DeepSeek: hit + miss = prompt_tokens, no prompt_tokens_details.
            return {"prompt_tokens": u["input"], "completion_tokens": u["output"],
                    "total_tokens": u["input"] + u["output"],
                    "prompt_cache_hit_tokens": u["cached"],
                    "prompt_cache_miss_tokens": u["input"] - u["cached"],
                    "completion_tokens_details": {"reasoning_tokens": u["reasoning"]}}
        ptd = {"cached_tokens": u["cached"], "audio_tokens": 0}
        if u["cache_write"]:
            ptd["cache_write_tokens"] = u["cache_write"]
        return {"prompt_tokens": u["input"], "completion_tokens": u["output"],
                "total_tokens": u["input"] + u["output"],
                "prompt_tokens_details": ptd,
                "completion_tokens_details": {"reasoning_tokens": u["reasoning"], "audio_tokens": 0,
                                              "accepted_prediction_tokens": 0,
                                              "rejected_prediction_tokens": 0}}

    def chunk(self, delta, finish=None, choices=True):
        obj = {"id": "chatcmpl-" + self.rid, "object": "chat.completion.chunk", "created": CREATED,
               "model": self.model, "service_tier": "default", "system_fingerprint": "fp_fake0001",
               "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
               if choices else []}
        if self.include_usage:
            obj["usage"] = None
        obj["obfuscation"] = "Qup1Bs"
        return b"data: " + jdump(obj) + b"\n\n"

    def head(self):
        first = [self.chunk({"role": "assistant", "content": "", "refusal": None})]
        reasoning = self.r.spec.get("reasoning")
        if not reasoning:
            return first
        # DeepSeek: the reasoning streams before the answer, in its own field
        return first + [self.chunk({"content": None, "reasoning_content": p})
                        for p in split_pieces(str(reasoning))]

    def piece(self, text, sent, last):
        return self.chunk({"content": text})

    def call_chunks(self):
        out = []
        for c in self.r.calls:
            cid = self.r.call_id(c, "call_")
            out.append(self.chunk({"tool_calls": [{"index": c["index"], "id": cid, "type": "function",
                                                   "function": {"name": c["name"], "arguments": ""}}]}))
            for frag in split_pieces(c["args"]):
                out.append(self.chunk({"tool_calls": [{"index": c["index"],
                                                       "function": {"arguments": frag}}]}))
        return out

    def tail(self):
        finish = self.stops.get(self.r.stop, self.r.stop)
        v = self.r.variant
        if self.r.calls:
            return self.call_chunks() + self.tail_plain(finish, v)
        return self.tail_plain(finish, v)

    def tail_plain(self, finish, v):
        if v == "usage_on_finish" and self.r.usage is not None:
            # Mistral, Together: usage rides on the finish_reason chunk.
            obj = json.loads(self.chunk({}, finish)[len(b"data: "):])
            obj["usage"] = self.usage_obj()
            return [b"data: " + jdump(obj) + b"\n\n", b"data: [DONE]\n\n"]
        out = [self.chunk({}, finish)]
        if (self.include_usage or v == "always_usage") and self.r.usage is not None:
            # vLLM ends with "choices": null; llama.cpp sends this chunk unasked.
            obj = {"id": "chatcmpl-" + self.rid, "object": "chat.completion.chunk", "created": CREATED,
                   "model": self.model, "service_tier": "default", "system_fingerprint": "fp_fake0001",
                   "choices": None if v == "null_choices" else [], "usage": self.usage_obj(),
                   "obfuscation": "h9Ri"}
            out.append(b"data: " + jdump(obj) + b"\n\n")
        out.append(b"data: [DONE]\n\n")
        return out

    def error_event(self):
        etype = self.r.spec.get("error_type")
        if etype:
            return b"data: " + jdump({"error": {"message": "Error of type %s" % etype,
                                                "type": "invalid_request_error", "param": None,
                                                "code": etype}}) + b"\n\n"
        return (b'data: {"error": {"message": "The server had an error while processing your request. '
                b'Sorry about that!", "type": "server_error", "param": null, "code": null}}\n\n')

    def garbage(self):
        return b"data: {this is not json at all\n\n"

    def whole(self):
        obj = {"id": "chatcmpl-" + self.rid, "object": "chat.completion", "created": CREATED,
               "model": self.model,
               "choices": [{"index": 0, "message": {"role": "assistant", "content": self.r.text,
                                                     "refusal": None, "annotations": []},
                            "logprobs": None,
                            "finish_reason": self.stops.get(self.r.stop, self.r.stop)}]}
        if self.r.usage is not None:
            obj["usage"] = self.usage_obj()
        obj["service_tier"] = "default"
        obj["system_fingerprint"] = "fp_fake0001"
        return enc(json.dumps(obj, ensure_ascii=False, indent=2))

    def whole_error(self):
        return jdump({"error": {"message": "The server had an error while processing your request. "
                                "Sorry about that!", "type": "server_error", "param": None, "code": None}})

    def status_body(self, status, spec):
        table = {
            400: ("invalid_request_error", None, "Invalid request."),
            401: ("invalid_request_error", "invalid_api_key",
                  "Incorrect API key provided. You can find your API key at "
                  "https://platform.openai.com/account/api-keys."),
            403: ("invalid_request_error", "model_not_found",
                  "Project does not have access to model `%s`" % self.model),
            # DeepSeek's: the code names no credit fault, the status does
            402: ("unknown_error", "invalid_request_error", "Insufficient Balance"),
            404: ("invalid_request_error", "model_not_found",
                  "The model `%s` does not exist or you do not have access to it." % self.model),
            429: ("tokens", "rate_limit_exceeded",
                  "Rate limit reached for %s in organization org-fake on tokens per min (TPM): "
                  "Limit 30000, Used 30000, Requested 100. Please try again in 2s." % self.model),
            500: ("server_error", None,
                  "The server had an error while processing your request. Sorry about that!"),
            503: ("server_error", None, "The engine is currently overloaded, please try again later"),
        }
        etype, code, msg = table.get(status, ("server_error", None, "Error %d" % status))
        if spec.get("code") is not None:
            code = spec["code"]
            if code == "insufficient_quota":
                etype = "insufficient_quota"
                msg = ("You exceeded your current quota, please check your plan and billing "
                       "details.")
        msg = spec.get("message", msg)
        if spec.get("variant") == "openrouter":
            # OpenRouter: error.code is the HTTP status, a number, and no type
            return jdump({"error": {"code": status, "message": msg, "metadata": {}}})
        return jdump({"error": {"message": msg, "type": etype, "param": None, "code": code}},
                     (", ", ": "))


class Anthropic(Wire):
    name = "anthropic"
    ctype = "text/event-stream; charset=utf-8"
    framing = "chunked"
    stops = {"stop": "end_turn", "length": "max_tokens", "filter": "refusal", "tool_calls": "tool_use"}

    def headers(self):
        return {"request-id": "req_" + self.rid, "anthropic-organization-id": "org-fake"}

    @staticmethod
    def ev(name, obj):
        return b"event: " + name.encode() + b"\ndata: " + jdump(obj) + b"\n\n"

    def usage_obj(self, output):
        u = self.r.usage
        obj = {"input_tokens": u["input"], "cache_creation_input_tokens": u["cache_write"],
               "cache_read_input_tokens": u["cached"], "output_tokens": output,
               "service_tier": "standard"}
        if u["sim"]:
            # the prompt cache's figures: writes split by lifetime, as the API does
            obj["cache_creation_input_tokens"] = u["cache_write"] + u["cache_write_1h"]
            obj["cache_creation"] = {"ephemeral_5m_input_tokens": u["cache_write"],
                                     "ephemeral_1h_input_tokens": u["cache_write_1h"]}
        return self.r.craft(obj)

    def head(self):
        msg = {"id": "msg_" + self.rid, "type": "message", "role": "assistant", "model": self.model,
               "content": [], "stop_reason": None, "stop_sequence": None}
        if self.r.usage is not None:
            msg["usage"] = self.usage_obj(1)
        return [self.ev("message_start", {"type": "message_start", "message": msg}),
                self.ev("content_block_start", {"type": "content_block_start", "index": 0,
                                                "content_block": {"type": "text", "text": ""}}),
                b'event: ping\ndata: {"type": "ping"}\n\n']

    def piece(self, text, sent, last):
        return self.ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                               "delta": {"type": "text_delta", "text": text}})

    def tail(self):
        md = {"type": "message_delta",
              "delta": {"stop_reason": self.stops.get(self.r.stop, self.r.stop), "stop_sequence": None}}
        if self.r.usage is not None:
            md["usage"] = {"output_tokens": self.r.usage["output"]}
            if self.r.variant == "full_delta_usage":
                # Newer API versions repeat every bucket, cumulatively, here.
                u = self.r.usage
                md["usage"] = {"input_tokens": u["input"], "cache_creation_input_tokens": u["cache_write"],
                               "cache_read_input_tokens": u["cached"], "output_tokens": u["output"]}
            md["usage"] = self.r.craft(md["usage"])
        blocks = []
        for c in self.r.calls:
            k = c["index"] + 1
            blocks.append(self.ev("content_block_start", {"type": "content_block_start", "index": k,
                                                          "content_block": {"type": "tool_use",
                                                                            "id": self.r.call_id(c, "toolu_"),
                                                                            "name": c["name"], "input": {}}}))
            for frag in split_pieces(c["args"]) or [""]:
                blocks.append(self.ev("content_block_delta", {"type": "content_block_delta", "index": k,
                                                              "delta": {"type": "input_json_delta",
                                                                        "partial_json": frag}}))
            blocks.append(self.ev("content_block_stop", {"type": "content_block_stop", "index": k}))
        return [self.ev("content_block_stop", {"type": "content_block_stop", "index": 0})] + blocks + [
                self.ev("message_delta", md),
                self.ev("message_stop", {"type": "message_stop"})]

    def error_event(self):
        etype = self.r.spec.get("error_type") or "overloaded_error"
        msg = "Overloaded" if etype == "overloaded_error" else "Error of type %s" % etype
        return self.ev("error", {"type": "error", "error": {"type": etype, "message": msg}})

    def garbage(self):
        return b"event: content_block_delta\ndata: {this is not json at all\n\n"

    def whole(self):
        obj = {"id": "msg_" + self.rid, "type": "message", "role": "assistant", "model": self.model,
               "content": [{"type": "text", "text": self.r.text}],
               "stop_reason": self.stops.get(self.r.stop, self.r.stop), "stop_sequence": None}
        if self.r.usage is not None:
            obj["usage"] = self.usage_obj(self.r.usage["output"])
        return jdump(obj)

    def whole_error(self):
        etype = self.r.spec.get("error_type") or "overloaded_error"
        msg = "Overloaded" if etype == "overloaded_error" else "Error of type %s" % etype
        return jdump({"type": "error", "error": {"type": etype, "message": msg},
                      "request_id": "req_" + self.rid})

    def status_body(self, status, spec):
        table = {
            400: ("invalid_request_error", "Invalid request."),
            401: ("authentication_error", "invalid x-api-key"),
            403: ("permission_error", "Your API key does not have permission to use the specified resource."),
            404: ("not_found_error", "model: %s" % self.model),
            413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
            429: ("rate_limit_error", "This request would exceed the rate limit for your organization "
                                      "of 50,000 input tokens per minute."),
            500: ("api_error", "Internal server error"),
            503: ("overloaded_error", "Overloaded"),
            529: ("overloaded_error", "Overloaded"),
        }
        etype, msg = table.get(status, ("api_error", "Error %d" % status))
        msg = spec.get("message", msg)
        return jdump({"type": "error", "error": {"type": etype, "message": msg},
                      "request_id": "req_" + self.rid})


class Gemini(Wire):
    name = "gemini"
    ctype = "text/event-stream"
    framing = "close"
    stops = {"stop": "STOP", "length": "MAX_TOKENS", "filter": "SAFETY", "tool_calls": "STOP"}
    seps = (",", ": ")

    def headers(self):
        return {"x-goog-request-id": self.rid, "server": "scaffolding on HTTPServer2"}

    def usage_obj(self, cand):
        u = self.r.usage
        obj = {"promptTokenCount": u["input"], "candidatesTokenCount": cand,
               "totalTokenCount": u["input"] + cand + u["reasoning"]}
        if u["cached"]:
            obj["cachedContentTokenCount"] = u["cached"]
        obj["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": u["input"]}]
        if u["reasoning"]:
            obj["thoughtsTokenCount"] = u["reasoning"]
        return self.r.craft(obj)

    def resp(self, text, cand, finish):
        c = {"content": {"parts": [{"text": text}], "role": "model"}}
        if finish:
            c["finishReason"] = self.stops.get(self.r.stop, self.r.stop)
        c["index"] = 0
        obj = {"candidates": [c]}
        if self.r.usage is not None:
            obj["usageMetadata"] = self.usage_obj(cand)
        obj["modelVersion"] = self.model
        obj["responseId"] = "fake" + self.rid
        return obj

    def sse(self, obj):
        return b"data: " + jdump(obj, self.seps) + b"\r\n\r\n"

    def cand_so_far(self, sent):
        """Cumulative candidate tokens after sent characters, never above the total."""
        if self.r.usage is None:
            return 0
        return min(self.r.usage["output"], ceil4(sent))

    def head(self):
        return []

    def piece(self, text, sent, last):
        return self.sse(self.resp(text, self.cand_so_far(sent) if not last else
                                  (self.r.usage or {}).get("output", 0), last))

    def call_parts(self):
        parts = []
        for c in self.r.calls:
            fc = {"name": c["name"], "args": call_args(c)}
            if c["id"] is not None:
                fc["id"] = c["id"]
            part = {"functionCall": fc}
            if c["signature"] is None and c["index"] == 0:
                c["signature"] = "sig-%s" % STATE.next_tag()
            if c["signature"] is not None:
                part["thoughtSignature"] = c["signature"]
            STATE.sent(c)
            parts.append(part)
        return parts

    def tail_for(self, any_piece_last):
        out = []
        if self.r.calls:
            obj = self.resp("", self.cand_so_far(len(self.r.text)), False)
            obj["candidates"][0]["content"]["parts"] = self.call_parts()
            out.append(self.sse(obj))
        if any_piece_last and not self.r.calls:
            return out
        return out + [self.sse(self.resp("", (self.r.usage or {}).get("output", 0), True))]

    def tail(self):
        return []

    def error_event(self):
        etype = self.r.spec.get("error_type")
        if etype:
            codes = {"UNAUTHENTICATED": 401, "PERMISSION_DENIED": 403, "RESOURCE_EXHAUSTED": 429,
                     "UNAVAILABLE": 503, "INVALID_ARGUMENT": 400, "NOT_FOUND": 404}
            return self.sse({"error": {"code": codes.get(etype, 500),
                                       "message": "Error of type %s" % etype, "status": etype}})
        return self.sse({"error": {"code": 500, "message": "An internal error has occurred. Please retry "
                                   "or report in https://developers.generativeai.google/guide/troubleshooting",
                                   "status": "INTERNAL"}})

    def garbage(self):
        return b"data: {this is not json at all\r\n\r\n"

    def whole(self):
        return jdump(self.resp(self.r.text, (self.r.usage or {}).get("output", 0), True), self.seps)

    def whole_error(self):
        return jdump({"error": {"code": 500, "message": "An internal error has occurred.",
                                "status": "INTERNAL"}}, self.seps)

    def status_body(self, status, spec):
        table = {
            400: ("INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."),
            401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
            403: ("PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without "
                                       "established identity). Please use API Key or other form of "
                                       "API consumer identity to call this API."),
            404: ("NOT_FOUND", "models/%s is not found for API version v1beta, or is not supported "
                               "for generateContent." % self.model),
            429: ("RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan "
                                        "and billing details."),
            500: ("INTERNAL", "An internal error has occurred. Please retry or report in "
                              "https://developers.generativeai.google/guide/troubleshooting"),
            503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
        }
        st, msg = table.get(status, ("UNKNOWN", "Error %d" % status))
        err = {"code": status, "message": spec.get("message", msg), "status": st}
        if status == 429:
            details = [{"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                        "violations": [{"quotaMetric": "generativelanguage.googleapis.com/"
                                                       "generate_content_free_tier_requests",
                                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]}]
            if spec.get("retry_delay") is not None:
                details.append({"@type": "type.googleapis.com/google.rpc.RetryInfo",
                                "retryDelay": str(spec["retry_delay"])})
            err["details"] = details
        return jdump({"error": err}, (", ", ": "))


class Ollama(Wire):
    name = "ollama"
    ctype = "application/x-ndjson"
    framing = "chunked"
    stops = {"stop": "stop", "length": "length", "filter": "stop", "tool_calls": "stop"}

    def line(self, obj):
        return jdump(obj) + b"\n"

    def head(self):
        return []

    def piece(self, text, sent, last):
        return self.line({"model": self.model, "created_at": CREATED_AT,
                          "message": {"role": "assistant", "content": text}, "done": False})

    def final(self, content):
        obj = {"model": self.model, "created_at": CREATED_AT,
               "message": {"role": "assistant", "content": content},
               "done_reason": self.stops.get(self.r.stop, self.r.stop), "done": True,
               "total_duration": 4883583458, "load_duration": 1334875}
        if self.r.usage is not None:
            obj["prompt_eval_count"] = self.r.usage["input"]
        obj["prompt_eval_duration"] = 342546000
        if self.r.usage is not None:
            obj["eval_count"] = self.r.usage["output"]
        obj["eval_duration"] = 4535599000
        if self.r.usage is not None and self.r.usage_fault:
            counts = self.r.craft({"prompt_eval_count": self.r.usage["input"],
                                   "eval_count": self.r.usage["output"]})
            obj.pop("prompt_eval_count", None)
            obj.pop("eval_count", None)
            obj.update(counts)
        return obj

    def tail(self):
        out = []
        if self.r.calls:
            tcs = []
            for c in self.r.calls:
                tcs.append({"id": self.r.call_id(c, "call_"),
                            "function": {"index": c["index"], "name": c["name"], "arguments": call_args(c)}})
            out.append(self.line({"model": self.model, "created_at": CREATED_AT,
                                  "message": {"role": "assistant", "content": "", "tool_calls": tcs},
                                  "done": False}))
        return out + [self.line(self.final(""))]

    def error_event(self):
        return b'{"error":"an error was encountered while running the model"}\n'

    def garbage(self):
        return b"{this is not json at all\n"

    def whole(self):
        return jdump(self.final(self.r.text))

    def whole_error(self):
        return b'{"error":"an error was encountered while running the model"}'

    def status_body(self, status, spec):
        table = {
            400: "invalid request",
            401: "unauthorized",
            403: "forbidden",
            404: 'model "%s" not found, try pulling it first' % self.model,
            429: "too many requests",
            500: "the model failed to generate a response",
            502: "bad gateway",
            503: "server busy, please try again.  maximum pending requests exceeded",
        }
        return jdump({"error": spec.get("message", table.get(status, "error %d" % status))})


FORMATS = {"openai": OpenAI, "anthropic": Anthropic, "gemini": Gemini, "ollama": Ollama}
GEMINI_RE = re.compile(r"/models/([^/:]+):(streamGenerateContent|generateContent)$")


def classify(method, path):
    """(format, gemini model, gemini method) for a request path."""
    if method != "POST":
        return None, None, None
    if path.endswith("/chat/completions"):
        return "openai", None, None
    if path.endswith("/messages"):
        return "anthropic", None, None
    m = GEMINI_RE.search(path)
    if m:
        return "gemini", m.group(1), m.group(2)
    if path.endswith("/api/chat"):
        return "ollama", None, None
    return None, None, None


# ---------------------------------------------------------------- state

# ---------------------------------------------------------------- prompt cache

ANTHROPIC_MIN = [("claude-opus-4-6", 4096), ("claude-opus-4-5", 4096), ("claude-haiku-4-5", 4096),
                 ("claude-opus-4-7", 2048), ("claude-3-5-haiku", 2048), ("claude-3-haiku", 2048),
                 ("claude-haiku-3", 2048), ("claude-opus-5", 512), ("claude-fable-5", 512),
                 ("claude-mythos-5", 512)]
GEMINI_MIN = [("gemini-2.5-flash", 2048), ("gemini-2.5-pro", 2048), ("gemini-3", 4096),
              ("gemini-4", 4096)]
TTL_5M, TTL_1H = 300, 3600


def role_mark(role):
    """One control character standing for a message's role in a prompt's text."""
    return {"user": "\x01", "assistant": "\x02", "model": "\x02", "system": "\x03"}.get(role, "\x04")


def text_block(b):
    """A content string as the text block it stands for: both are the same prompt."""
    return {"type": "text", "text": b} if isinstance(b, str) else b


def canon(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def no_marks(v):
    """v without cache_control: markers are not part of the cached content."""
    if isinstance(v, dict):
        return {k: no_marks(x) for k, x in v.items() if k != "cache_control"}
    if isinstance(v, list):
        return [no_marks(x) for x in v]
    return v


class PrefixCache:
    """Prefix caches per wire format, on a clock that tests can freeze."""

    def __init__(self, on=False):
        self.lock = threading.Lock()
        self.on = on
        self.now = None
        self.mins = {}
        self.entries = {}   # (format, model, key) -> [expiry, ttl, tokens]
        self.prompts = {}   # (format, model) -> list of [expiry, text]

    def clock(self):
        return self.now if self.now is not None else time.time()

    def control(self, spec):
        with self.lock:
            if "on" in spec:
                self.on = bool(spec["on"])
            if "now" in spec:
                self.now = None if spec["now"] is None else float(spec["now"])
            if spec.get("advance"):
                self.now = self.clock() + float(spec["advance"])
            if isinstance(spec.get("min"), dict):
                self.mins.update({str(k): int(v) for k, v in spec["min"].items()})
            if spec.get("clear"):
                self.entries.clear()
                self.prompts.clear()

    def show(self):
        with self.lock:
            now = self.clock()
            return {"on": self.on, "now": self.now,
                    "entries": [{"format": k[0], "model": k[1], "tokens": v[2], "ttl": v[1],
                                 "expires_in": round(v[0] - now, 3)}
                                for k, v in self.entries.items() if v[0] > now],
                    "prompts": sum(1 for v in self.prompts.values() for p in v if p[0] > now)}

    def minimum(self, fmt, model, table, default):
        for k, v in list(self.mins.items()) + table:
            if model.startswith(k):
                return v
        return default

    def usage(self, fmt, model, body, variant):
        """Cache figures for one request: {"input", "cached", "cache_write", "cache_write_1h"}, or None."""
        with self.lock:
            if not self.on or not isinstance(body, dict):
                return None
            if fmt == "anthropic":
                return self.anthropic(model, body)
            if fmt == "openai":
                unit, low = (64, 64) if variant == "deepseek" else (128, 1024)
                text = "".join(role_mark(m.get("role")) + text_of(m.get("content"))
                               for m in body.get("messages") or [] if isinstance(m, dict))
                return self.implicit(fmt, model, text, request_chars(fmt, body), unit,
                                     self.minimum(fmt, model, [], low))
            if fmt == "gemini":
                si = body.get("systemInstruction") or body.get("system_instruction") or {}
                text = role_mark("system") + text_of(si.get("parts") if isinstance(si, dict) else "")
                text += "".join(role_mark(c.get("role")) + text_of(c.get("parts"))
                                for c in body.get("contents") or [] if isinstance(c, dict))
                return self.implicit(fmt, model, text, request_chars(fmt, body), 1,
                                     self.minimum(fmt, model, GEMINI_MIN, 1024))
            return None

    def implicit(self, fmt, model, text, chars, unit, low):
        """Automatic caching: the longest common prefix with a recent prompt."""
        now, total = self.clock(), ceil4(chars)
        live = [p for p in self.prompts.get((fmt, model), []) if p[0] > now]
        best, best_p = 0, None
        for p in live:
            n = len(os.path.commonprefix([p[1], text]))
            if n > best:
                best, best_p = n, p
        # role marks are not text: take them out of the common prefix
        best_text = best - sum(1 for ch in text[:best] if ch < "\x05")
        cached = min(best_text // 4, total) // unit * unit
        if total < low or cached < low:
            cached = 0
        if cached and best_p is not None:
            best_p[0] = now + TTL_5M
        if total >= low:
            live = [p for p in live if p[1] != text] + [[now + TTL_5M, text]]
        self.prompts[(fmt, model)] = live[-64:]
        return {"input": total, "cached": cached, "cache_write": 0, "cache_write_1h": 0}

    @staticmethod
    def anthropic_blocks(body):
        """[(key part, chars, cache_control or None)] in prompt order: tools, system, messages."""
        blocks = []
        for t in body.get("tools") or []:
            blocks.append((canon(no_marks(t)), len(canon(no_marks(t))), (t or {}).get("cache_control")))
        sysv = body.get("system")
        if isinstance(sysv, str) and sysv:
            blocks.append((canon(["system", text_block(sysv)]), len(sysv), None))
        elif isinstance(sysv, list):
            for b in sysv:
                blocks.append((canon(["system", no_marks(b)]), len(text_of(b)),
                               b.get("cache_control") if isinstance(b, dict) else None))
        for m in body.get("messages") or []:
            if not isinstance(m, dict):
                continue
            c = m.get("content")
            parts = [c] if isinstance(c, str) else (c if isinstance(c, list) else [])
            for b in parts:
                blocks.append((canon([m.get("role"), no_marks(text_block(b))]), len(text_of(b)),
                               b.get("cache_control") if isinstance(b, dict) else None))
        return blocks

    def anthropic(self, model, body):
        now = self.clock()
        blocks = self.anthropic_blocks(body)
        if isinstance(body.get("cache_control"), dict) and blocks:
            k, n, _ = blocks[-1]
            blocks[-1] = (k, n, body["cache_control"])
        keys, toks, acc, h = [], [], 0, ""
        for k, n, _ in blocks:
            h = hashlib.sha256((h + "\x00" + k).encode("utf-8", "surrogateescape")).hexdigest()
            keys.append(("anthropic", model, h))
            acc += n
            toks.append(ceil4(acc))
        total = toks[-1] if toks else 0
        low = self.minimum("anthropic", model, ANTHROPIC_MIN, 1024)
        marks = [(i, b[2]) for i, b in enumerate(blocks) if isinstance(b[2], dict)]
        if len(marks) > 4:
            raise CacheError("A maximum of 4 blocks with cache_control may be provided. Found %d."
                             % len(marks))
        read = last = last_1h = 0
        writes = []   # a request never reads what it writes itself
        for i, cc in marks:
            if toks[i] < low:
                continue
            ttl = TTL_1H if cc.get("ttl") == "1h" else TTL_5M
            for j in range(i, max(-1, i - 21), -1):
                e = self.entries.get(keys[j])
                if e is not None and e[0] > now and toks[j] >= low:
                    e[0] = now + e[1]
                    read = max(read, toks[j])
                    break
            writes.append((keys[i], ttl, toks[i]))
            last = toks[i]
            if ttl == TTL_1H:
                last_1h = toks[i]
        for k, ttl, n in writes:
            e = self.entries.get(k)
            if e is None or e[0] <= now:
                self.entries[k] = [now + ttl, ttl, n]
        w1h = max(0, last_1h - read)
        w5 = max(0, last - max(read, last_1h))
        return {"input": total - read - w1h - w5, "cached": read, "cache_write": w5,
                "cache_write_1h": w1h, "sim": True}


class CacheError(Exception):
    """A request the real API refuses for its cache settings."""


def with_cache(spec, cu):
    """spec with the prompt cache's figures where it gives none of its own."""
    u = spec.get("usage", {})
    if cu is None or u is None or u is False:
        return spec
    u = dict(u) if isinstance(u, dict) else {}
    for k, v in cu.items():
        u.setdefault(k, v)
    spec = dict(spec)
    spec["usage"] = u
    return spec


class State:
    def __init__(self, log_path):
        self.lock = threading.Lock()
        self.queue = collections.deque()
        self.default = {}
        self.log = []
        self.log_path = log_path
        self.logf = open(log_path, "a", encoding="utf-8") if log_path else None
        self.counter = 0
        self.calls = {}        # what tool calls were made: id (or name + args) -> call
        self.tool_errors = []
        self.tags = 0

    def next_tag(self):
        with self.lock:
            self.tags += 1
            return "%d" % self.tags

    def sent(self, c):
        with self.lock:
            self.calls[call_key(c["id"], c["name"], c["args"])] = dict(c)
            if c["id"] is None and not same_args(c["args"], c["args"]):
                # arguments that were not JSON come back as {}
                self.calls[call_key(None, c["name"], "{}")] = dict(c)

    def made(self, cid, name, args):
        with self.lock:
            return self.calls.get(call_key(cid, name, args))

    def record(self, entry):
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        with self.lock:
            self.log.append(entry)
            self.counter += 1
            rid = "fake%04d" % self.counter
            if self.logf:
                self.logf.write(line + "\n")
                self.logf.flush()
        return rid

    def next_spec(self):
        with self.lock:
            if self.queue:
                return self.queue.popleft()
            return dict(self.default)

    def reset(self):
        with self.lock:
            self.queue.clear()
            self.default = {}
            self.log = []
            self.calls = {}
            self.tool_errors = []
            if self.logf:
                self.logf.seek(0)
                self.logf.truncate()
                self.logf.flush()


STATE = None
CACHE = PrefixCache()


def call_key(cid, name, args):
    """Calls are known by id, or (Gemini without ids) by name and arguments."""
    if cid:
        return "id:" + str(cid)
    try:
        args = json.dumps(json.loads(args), sort_keys=True)
    except (ValueError, TypeError):
        pass
    return "na:%s:%s" % (name, args)


def same_args(sent, got):
    """got (a string or an object) is what was sent, or {} for arguments that were not JSON."""
    try:
        want = json.loads(sent)
        if not isinstance(want, dict):
            want = {}
    except ValueError:
        want = {}
    if isinstance(got, str):
        try:
            got = json.loads(got)
        except ValueError:
            return False
    return got == want


def check_made(errs, where, cid, name, args, sig=None, fmt=None):
    c = STATE.made(cid, name, json.dumps(args) if not isinstance(args, str) else args)
    if c is None and fmt == "gemini" and cid:
        c = STATE.made(None, name, json.dumps(args) if not isinstance(args, str) else args)
    if c is None:
        errs.append("%s: a call this fake never made (id %r, name %r)" % (where, cid, name))
        return
    if c["name"] != name or not same_args(c["args"], args):
        errs.append("%s: call %r is not repeated as made (name %r, arguments %r)" % (where, cid, name, args))
    if fmt == "gemini" and c.get("signature") and sig != c["signature"]:
        errs.append("%s: call %r lost its thought signature" % (where, name))


def check_reasoning(errs, msgs):
    """DeepSeek V4 (thinking by default): every assistant turn carries its reasoning_content back."""
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or m.get("role") != "assistant":
            continue
        if not isinstance(m.get("reasoning_content"), str):
            errs.append("message %d: the reasoning_content in the thinking mode must be passed back" % i)
            continue
        made = [STATE.made(c.get("id"), (c.get("function") or {}).get("name"),
                           (c.get("function") or {}).get("arguments"))
                for c in m.get("tool_calls") or [] if isinstance(c, dict)]
        want = next((c.get("reasoning") for c in made if c and c.get("reasoning")), None)
        if want is not None and m["reasoning_content"] != want:
            errs.append("message %d: reasoning_content is not the reasoning sent" % i)


def check_chat(errs, msgs, ollama):
    """OpenAI and Ollama: an assistant turn with tool_calls, then one role "tool" message per call."""
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or m.get("role") != "assistant" or not m.get("tool_calls"):
            continue
        calls = m["tool_calls"]
        for k, c in enumerate(calls):
            f = c.get("function") or {}
            if not ollama and (c.get("type") != "function" or not isinstance(f.get("arguments"), str)):
                errs.append("message %d call %d: not {type: function, function: {arguments: string}}" % (i, k))
            if ollama and not isinstance(f.get("arguments"), dict):
                errs.append("message %d call %d: arguments are not an object" % (i, k))
            check_made(errs, "message %d call %d" % (i, k), c.get("id"), f.get("name"), f.get("arguments"))
        results = msgs[i + 1:i + 1 + len(calls)]
        if len(results) != len(calls) or any(not isinstance(r, dict) or r.get("role") != "tool"
                                             for r in results):
            errs.append("message %d: %d calls are not followed by %d tool messages" % (i, len(calls), len(calls)))
            continue
        for k, (c, r) in enumerate(zip(calls, results)):
            if not isinstance(r.get("content"), str):
                errs.append("result %d: content is not a string" % k)
            if ollama:
                if r.get("tool_name") != (c.get("function") or {}).get("name"):
                    errs.append("result %d: tool_name %r, want %r" % (k, r.get("tool_name"),
                                                                   (c.get("function") or {}).get("name")))
        if not ollama:
            want = sorted(str(c.get("id")) for c in calls)
            got = sorted(str(r.get("tool_call_id")) for r in results)
            if want != got:
                errs.append("message %d: tool_call_ids %s, want %s" % (i, got, want))


def check_anthropic(errs, msgs):
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or m.get("role") != "assistant" or not isinstance(m.get("content"), list):
            continue
        uses = [b for b in m["content"] if isinstance(b, dict) and b.get("type") == "tool_use"]
        if not uses:
            continue
        for b in uses:
            if not isinstance(b.get("input"), dict):
                errs.append("message %d: tool_use input is not an object" % i)
            check_made(errs, "message %d" % i, b.get("id"), b.get("name"), b.get("input"))
        nxt = msgs[i + 1] if i + 1 < len(msgs) else None
        if not isinstance(nxt, dict) or nxt.get("role") != "user" or not isinstance(nxt.get("content"), list):
            errs.append("message %d: tool_use not followed by a user message of tool_result blocks" % i)
            continue
        res = nxt["content"][:len(uses)]
        if any(not isinstance(b, dict) or b.get("type") != "tool_result" for b in res) or len(res) != len(uses):
            errs.append("message %d: the tool_result blocks are not first in the next message" % (i + 1))
            continue
        if sorted(b.get("tool_use_id") for b in res) != sorted(b.get("id") for b in uses):
            errs.append("message %d: tool_use_ids %s, want %s" % (i + 1, [b.get("tool_use_id") for b in res],
                                                                  [b.get("id") for b in uses]))
        for b in res:
            if "is_error" in b and not isinstance(b["is_error"], bool):
                errs.append("message %d: is_error is not a boolean" % (i + 1))


def check_gemini(errs, contents):
    for i, c in enumerate(contents):
        if not isinstance(c, dict) or c.get("role") != "model":
            continue
        parts = [p for p in c.get("parts") or [] if isinstance(p, dict) and "functionCall" in p]
        if not parts:
            continue
        for p in parts:
            fc = p["functionCall"]
            check_made(errs, "content %d" % i, fc.get("id"), fc.get("name"), fc.get("args"),
                       p.get("thoughtSignature"), "gemini")
        if not parts[0].get("thoughtSignature"):
            # as Gemini 3: every step of the current turn starts with a signed call
            errs.append("content %d: function call is missing a thought_signature" % i)
        nxt = contents[i + 1] if i + 1 < len(contents) else None
        resp = [p.get("functionResponse") for p in (nxt or {}).get("parts") or []
                if isinstance(p, dict) and "functionResponse" in p]
        if not isinstance(nxt, dict) or nxt.get("role") != "user" or len(resp) != len(parts):
            errs.append("content %d: %d functionCall parts are not answered by as many functionResponse "
                        "parts in the next user content" % (i, len(parts)))
            continue
        for k, (p, r) in enumerate(zip(parts, resp)):
            fc = p["functionCall"]
            if r.get("name") != fc.get("name"):
                errs.append("content %d response %d: name %r, want %r" % (i + 1, k, r.get("name"), fc.get("name")))
            if fc.get("id") and r.get("id") != fc.get("id"):
                errs.append("content %d response %d: id %r, want %r" % (i + 1, k, r.get("id"), fc.get("id")))
            if not isinstance(r.get("response"), dict):
                errs.append("content %d response %d: response is not an object" % (i + 1, k))


def check_tools(fmt, body):
    """What is wrong with the tool calls and results a request repeats (an empty list: nothing)."""
    errs = []
    if fmt in ("openai", "ollama"):
        check_chat(errs, body.get("messages") or [], fmt == "ollama")
        if fmt == "openai" and "deepseek-v4" in str(body.get("model")):
            check_reasoning(errs, body.get("messages") or [])
    elif fmt == "anthropic":
        check_anthropic(errs, body.get("messages") or [])
    elif fmt == "gemini":
        check_gemini(errs, body.get("contents") or [])
    return errs


# ---------------------------------------------------------------- handler

class Aborted(Exception):
    """The reply ended the connection on purpose."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-provider/1"

    def log_message(self, fmt, *args):
        pass

    def handle(self):
        # A client that hangs up or resets between requests is normal here.
        try:
            super().handle()
        except OSError:
            self.close_connection = True

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    # -- plumbing

    def read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            data = b""
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline(65537)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def start(self, status, ctype, length=None, framing=None, extra=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            self.send_header(k, str(v))
        self.framing = framing
        if length is not None:
            self.send_header("Content-Length", str(length))
        elif framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.sent_headers = True

    def raw(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def event(self, data):
        """Write one stream event, in the reply's line endings, after any comment."""
        if self.line_end is not None:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", self.line_end)
        if self.comments:
            data = b": keep-alive" + (self.line_end or b"\n") + data
        self.send(data)

    def send(self, data):
        """Write stream data, in the response's framing, slicing huge data."""
        if not data:
            return
        step = 1 if getattr(self, "byte_writes", False) else 65536
        for i in range(0, len(data), step):
            part = data[i:i + step]
            if self.framing == "chunked":
                self.raw(b"%x\r\n" % len(part) + part + b"\r\n")
            else:
                self.raw(part)

    def finish_stream(self):
        if self.framing == "chunked":
            self.raw(b"0\r\n\r\n")
        else:
            self.close_connection = True

    def json_reply(self, status, obj, ctype="application/json", extra=None):
        data = obj if isinstance(obj, bytes) else jdump(obj)
        self.start(status, ctype, len(data), extra=extra)
        self.raw(data)

    def abort(self, reset=False):
        """End the connection now: a plain close, or a TCP reset."""
        try:
            self.wfile.flush()
        except OSError:
            pass
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            if not reset:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()
        self.close_connection = True
        raise Aborted()

    # -- dispatch

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def dispatch(self):
        self.sent_headers = False
        self.framing = None
        self.line_end = None
        self.comments = False
        self.byte_writes = False
        try:
            self.route()
        except Aborted:
            pass
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # never crash: answer 400 if we still can
            traceback.print_exc(file=sys.stderr)
            if not self.sent_headers:
                try:
                    self.json_reply(400, {"error": {"message": "fake provider: bad request: %s" % e,
                                                    "type": "invalid_request_error"}})
                except OSError:
                    pass
            self.close_connection = True

    def route(self):
        url = urlsplit(self.path)
        path = unquote(url.path)
        raw = self.read_body()
        if path.startswith("/_control/"):
            return self.control(path[len("/_control/"):], raw)
        fmt, gmodel, gmethod = classify(self.command, path)
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text) if text.strip() else text
            ok = True
        except ValueError:
            body, ok = text, False
        rid = STATE.record({"method": self.command, "path": path,
                            "query": dict(parse_qsl(url.query, keep_blank_values=True)),
                            "headers": headers, "body": body, "format": fmt,
                            "time": round(time.time(), 3)})
        if fmt is None and self.command == "GET":
            listed = model_list(path, headers)
            if listed is not None:
                return self.json_reply(listed[0], listed[1])
        if fmt is None:
            return self.json_reply(404, {"error": {"message": "fake provider: no endpoint for %s %s"
                                                   % (self.command, path), "type": "not_found"}})
        cls = FORMATS[fmt]
        if not ok or not isinstance(body, dict):
            r = Reply({"usage": None}, fmt, {})
            f = cls({}, rid, r, gmodel or "unknown")
            return self.json_reply(400, f.status_body(400, {"message": "fake provider: the body is not a JSON object"}))
        errs = check_tools(fmt, body)
        if errs:
            with STATE.lock:
                STATE.tool_errors.extend(errs)
            r = Reply({"usage": None}, fmt, {})
            f = cls({}, rid, r, gmodel or "unknown")
            return self.json_reply(400, f.status_body(400, {"message": "fake provider: tool results: " +
                                                            "; ".join(errs)}))
        spec = STATE.next_spec()
        if not isinstance(spec, dict):
            spec = {}
        try:
            spec = with_cache(spec, CACHE.usage(fmt, str(gmodel or body.get("model") or ""), body,
                                                spec.get("variant")))
        except CacheError as e:
            f = cls({}, rid, Reply({"usage": None}, fmt, {}), gmodel or "unknown")
            return self.json_reply(400, f.status_body(400, {"message": str(e)}))
        reply = Reply(spec, fmt, body)
        model = gmodel or body.get("model") or "unknown"
        f = cls(body, rid, reply, str(model))
        if fmt == "gemini":
            stream = gmethod == "streamGenerateContent"
            sse = stream and dict(parse_qsl(url.query)).get("alt") == "sse"
        elif fmt == "ollama":
            stream = body.get("stream", True) is not False
            sse = stream
        else:
            stream = body.get("stream") is True
            sse = stream
        self.byte_writes = bool(spec.get("byte_writes"))
        self.comments = bool(spec.get("comments")) and fmt != "ollama"
        self.line_end = {"lf": b"\n", "crlf": b"\r\n", "cr": b"\r"}.get(spec.get("line_end"))
        if fmt == "ollama":
            self.line_end = None
        extra = dict(f.headers())
        for k, v in (spec.get("headers") or {}).items():
            extra[k] = v
        if spec.get("status") and int(spec["status"]) != 200:
            return self.status_reply(f, int(spec["status"]), spec, extra)
        if sse:
            return self.stream_reply(f, reply, spec, extra)
        if stream:  # Gemini streamGenerateContent without alt=sse: one JSON array
            return self.array_reply(f, reply, spec, extra)
        return self.whole_reply(f, reply, spec, extra)

    # -- control

    def control(self, what, raw):
        if self.command == "GET" and what == "requests":
            with STATE.lock:
                data = jdump(list(STATE.log))
            return self.json_reply(200, data)
        if self.command == "GET" and what == "tool_errors":
            with STATE.lock:
                data = jdump(list(STATE.tool_errors))
            return self.json_reply(200, data)
        if self.command == "GET" and what == "pending":
            with STATE.lock:
                n = len(STATE.queue)
            return self.json_reply(200, {"queued": n})
        if what == "cache":
            return self.cache_control(raw)
        if self.command != "POST" or what not in ("reply", "default", "reset"):
            return self.json_reply(404, {"error": "unknown control %s %s" % (self.command, what)})
        if what == "reset":
            STATE.reset()
            return self.json_reply(200, {"ok": True})
        try:
            spec = json.loads(raw.decode("utf-8"))
        except ValueError as e:
            return self.json_reply(400, {"error": "reply spec is not JSON: %s" % e})
        specs = spec if isinstance(spec, list) else [spec]
        if not all(isinstance(s, dict) for s in specs):
            return self.json_reply(400, {"error": "a reply spec is a JSON object"})
        with STATE.lock:
            if what == "default":
                STATE.default = specs[-1]
            else:
                STATE.queue.extend(specs)
            n = len(STATE.queue)
        return self.json_reply(200, {"ok": True, "queued": n})

    def cache_control(self, raw):
        if self.command == "POST":
            try:
                spec = json.loads(raw.decode("utf-8") or "{}")
            except ValueError as e:
                return self.json_reply(400, {"error": "cache settings are not JSON: %s" % e})
            if not isinstance(spec, dict):
                return self.json_reply(400, {"error": "cache settings are a JSON object"})
            CACHE.control(spec)
        return self.json_reply(200, CACHE.show())

    # -- replies

    def status_reply(self, f, status, spec, extra):
        if spec.get("retry_after") is not None:
            extra["Retry-After"] = str(spec["retry_after"])
        if spec.get("retry_after_ms") is not None:
            extra["retry-after-ms"] = str(spec["retry_after_ms"])
        return self.json_reply(status, f.status_body(status, spec), extra=extra)

    def hold(self, spec):
        path = spec.get("hold_file")
        if not path:
            return
        deadline = time.monotonic() + 20
        while not os.path.exists(path) and time.monotonic() < deadline:
            if STOP.wait(0.01):
                break

    def after_first(self, f, reply, spec, nxt):
        """The faults that strike after the first piece; nxt is the next event's bytes."""
        self.hold(spec)
        fault = reply.fault
        if fault == "stall":
            STOP.wait(float(spec.get("seconds", 30)))
            self.abort()
        if fault == "error_event":
            self.event(f.error_event())
            self.finish_stream()
            raise Aborted()
        if fault == "garbage":
            self.event(f.garbage())
            self.finish_stream()
            raise Aborted()
        if fault == "cut":
            half = nxt[:max(1, len(nxt) // 2)]
            self.event(half)
            self.abort()
        if fault == "reset":
            # Give the first piece time to be read before the reset discards it.
            STOP.wait(0.1)
            self.abort(reset=True)

    def stream_reply(self, f, reply, spec, extra):
        if reply.fault == "empty":
            return self.json_reply(200, b"", f.ctype, extra)
        framing = spec.get("framing") or f.framing
        self.start(200, f.ctype, None, framing, extra)
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        faulty = reply.fault in ("stall", "error_event", "garbage", "cut", "reset")
        pieces = reply.pieces
        for ev in f.head():
            self.event(ev)
        sent = 0
        last_marked = False
        for i, p in enumerate(pieces):
            if i > 0 and reply.delay:
                STOP.wait(reply.delay)
            sent += len(p)
            last = i == len(pieces) - 1 and not faulty and not reply.calls
            last_marked = last_marked or last
            self.event(f.piece(p, sent, last))
            if i == 0:
                self.after_first(f, reply, spec, self.next_event(f, reply, pieces, sent))
        if not pieces:
            self.after_first(f, reply, spec, self.next_event(f, reply, pieces, 0))
        tail = f.tail_for(last_marked) if isinstance(f, Gemini) else f.tail()
        for ev in tail:
            self.event(ev)
        self.finish_stream()

    def next_event(self, f, reply, pieces, sent):
        if len(pieces) > 1:
            return f.piece(pieces[1], sent + len(pieces[1]), False)
        tail = f.tail_for(False) if isinstance(f, Gemini) else f.tail()
        return tail[0] if tail else b"data: {\"x\": 1}\n\n"

    def whole_body(self, f, reply, spec, extra, data, ctype="application/json"):
        fault = reply.fault
        if fault == "empty":
            data = b""
        elif fault == "garbage":
            data = b"{this is not json at all"
        elif fault == "error_event":
            data = f.whole_error()
        if fault in ("cut", "reset", "stall") or spec.get("hold_file"):
            self.start(200, ctype, len(data), extra=extra)
            half = max(1, len(data) // 2)
            self.raw(data[:half])
            if fault == "stall":
                STOP.wait(float(spec.get("seconds", 30)))
                self.abort()
            if fault == "cut":
                self.abort()
            if fault == "reset":
                STOP.wait(0.1)
                self.abort(reset=True)
            self.hold(spec)
            self.raw(data[half:])
            return
        self.json_reply(200, data, ctype, extra)

    def whole_reply(self, f, reply, spec, extra):
        self.whole_body(f, reply, spec, extra, f.whole())

    def array_reply(self, f, reply, spec, extra):
        objs, sent = [], 0
        for i, p in enumerate(reply.pieces):
            sent += len(p)
            last = i == len(reply.pieces) - 1
            objs.append(json.loads(f.piece(p, sent, last)[len(b"data: "):].decode("utf-8", "surrogateescape")))
        if not reply.pieces:
            objs.append(f.resp("", (reply.usage or {}).get("output", 0), True))
        data = b"[" + b",\r\n".join(jdump(o, f.seps) for o in objs) + b"]"
        self.whole_body(f, reply, spec, extra, data)


def main():
    ap = argparse.ArgumentParser(description="A scripted fake LLM provider for tests.")
    ap.add_argument("--port-file", required=True, help="write the listening port here")
    ap.add_argument("--log", required=True, help="append one JSON line per request here")
    ap.add_argument("--port", type=int, default=0, help="port to listen on (0: any free one)")
    ap.add_argument("--cache", action="store_true", help="keep an honest prompt cache (see above)")
    ap.add_argument("--now", type=float, default=None, help="freeze the cache's clock at this epoch second")
    args = ap.parse_args()

    global STATE
    STATE = State(args.log)
    CACHE.control({"on": args.cache, "now": args.now})
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True

    def on_signal(signum, frame):
        STOP.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()

    port = server.server_address[1]
    tmp = "%s.tmp%d" % (args.port_file, os.getpid())
    with open(tmp, "w") as fh:
        fh.write("%d\n" % port)
    os.rename(tmp, args.port_file)

    # Exit with the test that started us, even if it could not clean up.
    parent = os.getppid()
    while not STOP.wait(0.5):
        if os.getppid() != parent:
            break
    STOP.set()
    server.shutdown()
    server.server_close()
    if STATE.logf:
        STATE.logf.close()
    os._exit(0)


if __name__ == "__main__":
    main()
