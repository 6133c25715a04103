#!/usr/bin/env python3
"""A loopback judge endpoint for JudgeLab's tests and benchmarks, speaking the OpenAI chat
completions, Anthropic Messages and Gemini generateContent APIs, with latency and injected faults.

    fake_judge_server.py [--port 0] [--latency-ms 0] [--fault-rate 0.1] [--faults 429,500,...]
                         [--max-faults-per-request 2] [--stall-seconds 5] [--seed 1]
                         [--require-key KEY] [--echo-key] [--simulate DATA.jsonl --sim-salt N]
                         [--proposer-malformed N]

Prints `PORT <n>` on its first line. GET /stats returns counts: `requests` (every request),
`ok` (complete, valid answers served), `faults` by kind, `distinct_ok` (distinct request bodies
answered), `max_in_flight` (the most requests handled at once), `by_api` (requests per API:
openai, anthropic, gemini). The judge is deterministic: the same request body always gets the same answer; it
prefers the longer answer three times in four, and calls near-equal lengths a tie.
With --simulate, the judge is JudgeLab's SimulatedJudge instead (Sources/JudgeLab/Judges/
SimulatedJudge.swift has the model): each prompt's static part (system message, model,
temperature) fixes a hidden accuracy and parse-failure rate; items, found by their question in
DATA.jsonl, share a difficulty and a position-bias draw. `judgelab simulate --write-trial`
writes such data and a study for it.
A request whose reply schema asks for a `rubric` or `rules` is the search's proposer: it gets a
scripted edit of the rubric it shows (see proposer_reply); GET /proposer lists the prompts it saw.
The providers' batch APIs (OpenAI Files + Batch, Anthropic Message Batches) are served too: see
fake_batch_api.py beside this file, and `batch` in /stats.
Only loopback is served. Standard library only.
"""
import argparse
import hashlib
import json
import math
import random
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fake_batch_api import BatchAPI

FAULTS = ["429", "429-no-retry-after", "500", "502", "503", "reset", "stall", "truncated", "malformed", "nochoices"]


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.rng = random.Random(args.seed)
        self.requests = 0
        self.ok = 0
        self.faults = {}
        self.failures_per_body = {}
        self.ok_bodies = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self.by_api = {}
        self.proposer_prompts = []
        self.kinds = [k for k in args.faults.split(",") if k] if args.faults else FAULTS

    def pick_fault(self, body_hash):
        with self.lock:
            self.requests += 1
            if self.args.fault_rate <= 0:
                return None
            if self.failures_per_body.get(body_hash, 0) >= self.args.max_faults_per_request:
                return None
            if self.rng.random() >= self.args.fault_rate:
                return None
            kind = self.rng.choice(self.kinds)
            self.failures_per_body[body_hash] = self.failures_per_body.get(body_hash, 0) + 1
            self.faults[kind] = self.faults.get(kind, 0) + 1
            return kind

    def answered(self, body_hash):
        with self.lock:
            self.ok += 1
            self.ok_bodies.add(body_hash)


class Simulation:
    """The simulated judge of SimulatedJudge.swift, over HTTP (the same model, term for term)."""

    def __init__(self, path, salt):
        self.salt = salt
        self.by_question = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    item = json.loads(line)
                    self.by_question[item["question"]] = item
        self.normal = __import__("statistics").NormalDist()

    @staticmethod
    def hashed(text):
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        return digest.hex(), [int.from_bytes(digest[i:i + 8], "big") / 2.0 ** 64 for i in range(0, 32, 8)]

    def quantile(self, u):
        return self.normal.inv_cdf(min(max(u, 1e-12), 1 - 1e-12))

    def reply(self, messages, model, temperature, seed=None):
        system = next((m["content"] for m in messages if m.get("role") == "system"), "")
        user = messages[-1]["content"] if isinstance(messages[-1]["content"], str) else messages[-1]["content"][0]["text"]
        found = re.search(r"\[User Question\]\n(.*?)\n\n\[The Start of Assistant A's Answer\]\n(.*?)\n\[The End of Assistant A's Answer\]", user, re.S)
        item = self.by_question.get(found.group(1)) if found else None
        if item is None:
            return "I do not know this question."
        order = "original" if found.group(2) == item["answer_1"] else "swapped"
        key, (u1, u2, _, _) = self.hashed("%d|%s|%.3f|%s" % (self.salt, model, float(temperature), system))
        p, f = 0.50 + 0.30 * u1, 0.04 * u2
        item_words = self.hashed("%d|item|%s" % (self.salt, item["id"]))[1]
        # A request's own noise; a seed (a repeated sample's) draws it again, the item's difficulty stays.
        u = self.hashed("%d|%s|%s|%s" % (self.salt, key, item["id"], order) + ("" if seed is None else "|%d" % seed))[1]
        if u[1] < f:
            return "I cannot tell which is better."
        if item_words[1] < 0.10:
            return "A"
        human = item["winner"]
        shown = human if order == "original" or human == "tie" else {"1": "2", "2": "1"}[human]
        names = {"1": "A", "2": "B", "tie": "tie"}
        right = math.sqrt(0.9) * self.quantile(item_words[0]) + math.sqrt(0.1) * self.quantile(u[0]) < self.quantile(p)
        if right:
            return names[shown]
        others = [v for v in ["1", "2", "tie"] if v != shown]
        return names[others[0 if u[2] < 0.5 else 1]]


POINTWISE_SCALE = re.compile(r"scale of (\d+)(?: \(worst\))? to (\d+)")
POINTWISE_ANSWER = re.compile(r"\[The Start of Assistant's Answer\]\n(.*?)\n\[The End of Assistant's Answer\]|Response:\n\n(.*?)\n\nRate the response", re.S)


def judge(messages, body_hash):
    """A deterministic judge: prefers the longer answer 3 times in 4; near-equal lengths tie.
    Shown one answer alone (a pointwise template: "on a scale of LO to HI"), it scores it by its
    length (600 characters or more: the top), one point off either way for a third of requests."""
    text = "\n".join(m.get("content", "") if isinstance(m.get("content"), str)
                     else "".join(part.get("text", "") for part in m.get("content", [])) for m in messages)
    user = messages[-1]["content"] if isinstance(messages[-1]["content"], str) else messages[-1]["content"][0]["text"]
    scale, alone = POINTWISE_SCALE.search(text), POINTWISE_ANSWER.search(user)
    if scale and alone:
        lo, hi = int(scale.group(1)), int(scale.group(2))
        answer = alone.group(1) if alone.group(1) is not None else alone.group(2)
        h = int(body_hash[:8], 16)
        score = lo + round((hi - lo) * min(1.0, len(answer) / 600.0)) + (h % 3 - 1)
        score = max(lo, min(hi, score))
        return json.dumps({"reason": "The answer merits a %d." % score, "score": score})
    answers = re.findall(r"Start of Assistant \S+ Answer\]?\n(.*?)\n[\[#]+ ?The End", user, re.S)
    a, b = (answers + ["", ""])[:2]
    h = int(body_hash[:8], 16)
    if abs(len(a) - len(b)) <= max(2, 0.05 * max(len(a), len(b))):
        prefer = 0
    else:
        prefer = 1 if len(a) > len(b) else 2
        if h % 4 == 0:
            prefer = 3 - prefer
    if "score from 1 to 9" in text:
        score = {0: 5, 1: 2 + h % 3, 2: 6 + h % 3}[prefer] if h % 7 else 5
        return json.dumps({"reason": "Assistant %s's answer is preferable." % ("1" if score < 5 else "2") if score != 5 else "Both are equally good.",
                           "score": score})
    return {0: "tie", 1: "A", 2: "B"}[prefer]


# The proposer mode: a request whose reply schema asks for a `rubric` or `rules` (JudgeLab's
# search proposer) gets a scripted edit of the rubric it shows between <rubric> and </rubric>:
# one of these criteria added (chosen by the request), or, from a rubric of three lines or
# more, one line dropped on one request in three. With --proposer-malformed N, one proposer
# request in N (by the request) gets a reply that is not JSON.
PROPOSER_CRITERIA = [
    "Prefer the answer that follows every instruction in the question.",
    "Prefer the answer whose facts are correct, even when it is shorter.",
    "Do not prefer an answer for being longer or more confident.",
    "A tie is right when both answers are equally good or equally poor.",
    "Prefer the answer that says what it does not know over one that invents.",
]


def proposer_reply(state, messages, schema, body_hash):
    properties = (schema or {}).get("properties") or {}
    kind = "rules" if "rules" in properties else "rubric" if "rubric" in properties else None
    if kind is None:
        return None
    text = "\n".join(m.get("content", "") for m in messages)
    with state.lock:
        state.proposer_prompts.append(text)
    h = int(body_hash[:8], 16)
    if state.args.proposer_malformed and h % state.args.proposer_malformed == 0:
        return "I would keep the rubric as it is."
    match = re.search(r"<rubric>\n(.*?)\n</rubric>", text, re.S)
    lines = match.group(1).split("\n") if match else []
    criterion = PROPOSER_CRITERIA[(h >> 8) % len(PROPOSER_CRITERIA)]
    shown = len(re.findall(r"^## Item ", text, re.M))
    rationale = "The judge disagreed with people on %d items." % shown
    if kind == "rules":
        return json.dumps({"rationale": rationale, "rules": [criterion]})
    written = [i for i, line in enumerate(lines) if line.strip()]
    if len(written) >= 3 and h % 3 == 0:
        del lines[written[(h >> 4) % len(written)]]
    elif criterion not in lines:
        lines.append(criterion)
    return json.dumps({"rationale": rationale, "rubric": "\n".join(lines)})


def schema_of(request, gemini, anthropic):
    """The reply schema a request constrains its answer to, if any (all three APIs' forms)."""
    if gemini:
        return (request.get("generationConfig") or {}).get("responseSchema")
    if anthropic:
        choice = request.get("tool_choice") or {}
        for tool in request.get("tools") or []:
            if choice.get("type") == "tool" and tool.get("name") == choice.get("name"):
                return tool.get("input_schema")
        return None
    form = request.get("response_format") or {}
    return (form.get("json_schema") or {}).get("schema") if form.get("type") == "json_schema" else None


def constrained(output, schema):
    """The judge's answer written to the schema: {"verdict", "reason"} or {"reason", "score"}."""
    properties = schema.get("properties") or {}
    if "verdict" in properties:
        allowed = properties["verdict"].get("enum") or ["A", "B", "tie"]
        verdict = output if output in allowed else allowed[0]
        return {"verdict": verdict, "reason": "Answer %s is better." % verdict if verdict != "tie" else "They are equally good."}
    return json.loads(output)


def token_logprobs(output, body_hash, top):
    """OpenAI's `logprobs.content` for the answer: its tokens (words, spaces, punctuation), each
    with `top` alternatives. At the verdict (a choice's A/B/tie, the digit after "score") the
    alternatives are the other verdicts, the chosen one the likeliest (0.55 to 0.94, by the
    request); elsewhere the token is near certain."""
    h = int(body_hash[8:16], 16)
    chosen_p = 0.55 + (h % 40) / 100
    tokens = re.findall(r"\w+|\s+|[^\w\s]", output)
    content, text = [], ""
    for token in tokens:
        before, text = text, text + token
        is_score = re.search(r'"score"\s*:\s*$', before) and token.isdigit()
        is_choice = token in ("A", "B", "tie") and (not re.search(r"\w", before) or re.search(r'"verdict"\s*:\s*"$', before))
        if is_score or is_choice:
            others = [c for c in ([str(n) for n in range(1, 10)] if is_score else ["A", "B", "tie"]) if c != token]
            rest = (1 - chosen_p) / len(others)
            alternatives = [(token, chosen_p)] + [(c, rest) for c in others]
        else:
            alternatives = [(token, 0.99), ("\u2581", 0.01)]
        alternatives = alternatives[:max(1, top)]
        content.append({"token": token, "logprob": math.log(alternatives[0][1]), "bytes": list(token.encode()),
                        "top_logprobs": [{"token": t, "logprob": math.log(p), "bytes": list(t.encode())} for t, p in alternatives]})
    return content


def canonical(request):
    """A request's identity for the judge's answer: its JSON with sorted keys, so that the same
    request sent alone or inside a batch file gets the same answer and usage."""
    return json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def reply_payload(state, request, api, path):
    """The judge's reply to one request of `api` (openai, anthropic, gemini): (status, payload).
    Shared by the synchronous endpoints and the batch APIs."""
    gemini, anthropic = api == "gemini", api == "anthropic"
    canon = canonical(request)
    body_hash = hashlib.sha256(canon).hexdigest()
    messages = request.get("messages", [])
    if gemini:
        # Gemini: systemInstruction and contents, each text in parts; the model is in the path.
        def text_of(content):
            return "".join(part.get("text", "") for part in content.get("parts", []))
        messages = [{"role": "assistant" if c.get("role") == "model" else "user", "content": text_of(c)}
                    for c in request.get("contents", [])]
        if request.get("systemInstruction"):
            messages = [{"role": "system", "content": text_of(request["systemInstruction"])}] + messages
        if not messages:
            return 400, {"error": {"code": 400, "message": "contents is not specified", "status": "INVALID_ARGUMENT"}}
    elif anthropic and request.get("system"):
        system = request["system"]
        text = system if isinstance(system, str) else "".join(s.get("text", "") for s in system)
        messages = [{"role": "system", "content": text}] + messages
    simulation = state.simulation
    schema = schema_of(request, gemini, anthropic)
    proposal = proposer_reply(state, messages, schema, body_hash)
    output = proposal if proposal is not None else (simulation.reply(messages, request.get("model", ""), request.get("temperature", 0), request.get("seed")) if simulation
              else judge(messages, body_hash))
    tool_input = constrained(output, schema) if schema and proposal is None else None
    if proposal is not None and anthropic:
        try:
            tool_input = json.loads(proposal)
        except ValueError:
            tool_input = None
    if tool_input is not None:
        output = json.dumps(tool_input)
    prompt_tokens = len(canon) // 4
    if gemini:
        model = path.rsplit("/models/", 1)[-1].split(":")[0]
        output_tokens = max(1, len(output) // 4)
        payload = {"candidates": [{"content": {"role": "model", "parts": [{"text": output}]}, "finishReason": "STOP", "index": 0}],
                   "usageMetadata": {"promptTokenCount": prompt_tokens, "candidatesTokenCount": output_tokens,
                                     "totalTokenCount": prompt_tokens + output_tokens, "cachedContentTokenCount": 0},
                   "modelVersion": model}
    elif anthropic:
        payload = {"id": "msg_" + body_hash[:12], "type": "message", "role": "assistant", "model": request.get("model"),
                   "content": ([{"type": "tool_use", "id": "toolu_" + body_hash[:12], "name": request["tool_choice"]["name"], "input": tool_input}]
                               if tool_input is not None else [{"type": "text", "text": output}]),
                   "stop_reason": "tool_use" if tool_input is not None else "end_turn",
                   "usage": {"input_tokens": prompt_tokens, "output_tokens": max(1, len(output) // 4),
                             "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}}
    else:
        choice = {"index": 0, "message": {"role": "assistant", "content": output}, "finish_reason": "stop"}
        if request.get("logprobs"):
            choice["logprobs"] = {"content": token_logprobs(output, body_hash, int(request.get("top_logprobs") or 0))}
        payload = {"id": "chatcmpl-" + body_hash[:12], "object": "chat.completion", "model": request.get("model"),
                   "choices": [choice],
                   "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": max(1, len(output) // 4),
                             "total_tokens": prompt_tokens + max(1, len(output) // 4),
                             "prompt_tokens_details": {"cached_tokens": 0}}}
    return 200, payload


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send_json(self, status, payload, headers=None, raw=None):
        self.uncount()
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        state = self.server.state
        if self.path.startswith("/stats"):
            with state.lock:
                self.send_json(200, {"requests": state.requests, "ok": state.ok, "distinct_ok": len(state.ok_bodies),
                                     "faults": state.faults, "max_in_flight": state.max_in_flight, "by_api": state.by_api,
                                     "batch": self.server.batch.stats(), "proposer": len(state.proposer_prompts)})
        elif self.path.startswith("/proposer"):
            with state.lock:
                self.send_json(200, {"prompts": list(state.proposer_prompts)})
        elif self.server.batch.handles(self.path):
            self.server.batch.get(self)
        else:
            self.send_json(404, {"error": {"message": "not found"}})

    def do_POST(self):
        state = self.server.state
        if self.path.startswith("/stats"):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            return self.do_GET()
        if self.server.batch.handles(self.path):
            return self.server.batch.post(self, self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        with state.lock:
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        self.counted = True
        try:
            self.judge_request()
        finally:
            self.uncount()

    def uncount(self):
        """A request stops counting as in flight before its answer is written: a client that
        sends its next request on receiving it is never seen as one more at once."""
        if getattr(self, "counted", False):
            self.counted = False
            with self.server.state.lock:
                self.server.state.in_flight -= 1

    def judge_request(self):
        state, args = self.server.state, self.server.state.args
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        body_hash = hashlib.sha256(raw).hexdigest()
        anthropic = self.path.rstrip("/").endswith("/messages")
        gemini = self.path.endswith(":generateContent")
        api = "gemini" if gemini else "anthropic" if anthropic else "openai"
        with state.lock:
            state.by_api[api] = state.by_api.get(api, 0) + 1
        if args.require_key:
            given = (self.headers.get("x-api-key") if anthropic else self.headers.get("x-goog-api-key") if gemini
                     else (self.headers.get("Authorization") or "").removeprefix("Bearer "))
            if given != args.require_key:
                state.pick_fault(body_hash)  # counts the request
                message = "Incorrect API key provided: %s" % given if args.echo_key else "Incorrect API key provided"
                return self.send_json(401, {"error": {"message": message, "type": "invalid_request_error"}})
        fault = state.pick_fault(body_hash)
        try:
            request = json.loads(raw)
        except ValueError:
            return self.send_json(400, {"error": {"message": "the body is not JSON"}})
        if args.latency_ms:
            time.sleep(args.latency_ms / 1000)
        if fault == "429":
            return self.send_json(429, {"error": {"message": "rate limited"}}, {"Retry-After": str(args.retry_after)})
        if fault == "429-no-retry-after":
            return self.send_json(429, {"error": {"message": "rate limited"}})
        if fault in ("500", "502", "503"):
            return self.send_json(int(fault), {"error": {"message": "server error %s" % fault}})
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if fault == "stall":
            time.sleep(args.stall_seconds)
        status, payload = reply_payload(state, request, api, self.path)
        if status != 200:
            return self.send_json(status, payload)
        if fault == "truncated":
            data = json.dumps(payload).encode()
            return self.send_json(200, None, raw=data[: len(data) // 2])
        if fault == "malformed":
            return self.send_json(200, None, raw=b"<html>Bad gateway</html>")
        if fault == "nochoices":
            return self.send_json(200, {"candidates": []} if gemini else {"type": "message", "content": None} if anthropic
                                  else {"id": "x", "choices": []})
        if self.client_gone():
            # The client timed out and closed the connection (a stall, or a reply slowed by
            # load): it never receives this answer, so it is not counted as served.
            self.close_connection = True
            return
        self.send_json(200, payload)
        state.answered(body_hash)

    def client_gone(self):
        """Whether the client has closed its end (EOF waiting on the socket)."""
        try:
            self.connection.setblocking(False)
            try:
                return self.connection.recv(1, socket.MSG_PEEK) == b""
            finally:
                self.connection.settimeout(self.timeout)  # blocking again, with the idle limit if one is set
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--latency-ms", type=float, default=0)
    p.add_argument("--fault-rate", type=float, default=0)
    p.add_argument("--faults", default="")
    p.add_argument("--max-faults-per-request", type=int, default=2)
    p.add_argument("--stall-seconds", type=float, default=5)
    p.add_argument("--retry-after", default="0")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--require-key", default="")
    p.add_argument("--echo-key", action="store_true")
    p.add_argument("--max-seconds", type=float, default=1800, help="stop by itself after this long")
    p.add_argument("--idle-close-seconds", type=float, default=0, help="close a kept-alive connection idle this long")
    p.add_argument("--simulate", default="", help="answer as the simulated judge, for the items in this native JSONL file")
    p.add_argument("--sim-salt", type=int, default=1, help="the simulated judge's salt (a trial's seed)")
    p.add_argument("--proposer-malformed", type=int, default=0, help="one proposer request in N gets a reply that is not JSON")
    p.add_argument("--batch-polls", type=int, default=2, help="retrievals before a batch is processed")
    p.add_argument("--batch-error-rate", type=float, default=0, help="share of batch requests that fail with a server error")
    p.add_argument("--batch-expire-rate", type=float, default=0, help="share of batch requests that expire")
    p.add_argument("--batch-create-429", type=int, default=0, help="refuse this many batch creations with a rate limit")
    p.add_argument("--batch-max-requests", type=int, default=100000, help="refuse batches with more requests")
    args = p.parse_args()
    if args.idle_close_seconds:
        Handler.timeout = args.idle_close_seconds
    server = Server(("127.0.0.1", args.port), Handler)
    server.state = State(args)
    server.state.simulation = Simulation(args.simulate, args.sim_salt) if args.simulate else None
    server.batch = BatchAPI(server.state, args, reply_payload)
    server.batch.port = server.server_address[1]
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Timer(args.max_seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
