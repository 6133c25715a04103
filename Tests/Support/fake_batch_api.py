"""The batch APIs of the loopback fake judge (fake_judge_server.py): OpenAI's Files and Batch API
and Anthropic's Message Batches, as their documentation describes them.

OpenAI:    POST /v1/files (multipart, purpose=batch), GET /v1/files/ID/content,
           POST /v1/batches, GET /v1/batches[?limit&after], GET /v1/batches/ID, POST /v1/batches/ID/cancel
Anthropic: POST /v1/messages/batches, GET /v1/messages/batches[?limit&after_id],
           GET /v1/messages/batches/ID, GET /v1/messages/batches/ID/results, POST .../ID/cancel

A batch moves on as it is polled: OpenAI validating -> in_progress -> finalizing -> completed (or
expired, when some of its requests expire); Anthropic in_progress -> ended. After `--batch-polls`
retrievals it is processed: every request is answered as the synchronous endpoint would answer
it, except those picked to fail (`--batch-error-rate`: a server error; `--batch-expire-rate`:
expired), each request failing at most `--max-faults-per-request` times over all batches. Results
are written in another order than the input. `--batch-create-429 N` refuses the first N
creations with a rate limit; `--batch-max-requests N` refuses larger batches.

For crash tests, POST /_control/hold {"stage": S} makes the next request at stage S hang until
POST /_control/release (the client is killed meanwhile); S is one of
  upload         an upload, before the file is stored
  create-before  a creation, before the batch exists
  create-after   a creation, after the batch exists but before its id is sent
  poll           a retrieval, before it answers
  download       an output file or results, after half of it is sent
GET /stats has `batch`: batches created (by API), requests in them, requests billed (succeeded
results), files uploaded, creations refused, and `held` (the stage a request hangs at, if any).
"""
import hashlib
import json
import os
import random
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlparse

STAGES = ("upload", "create-before", "create-after", "poll", "download")


def rfc3339(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class BatchAPI:
    def __init__(self, state, args, reply_payload):
        self.state, self.args, self.reply_payload = state, args, reply_payload
        self.lock = threading.Lock()
        self.rng = random.Random(args.seed + 7)
        self.folder = tempfile.mkdtemp(prefix="fake-batch-")
        self.files = {}      # id -> {path, bytes, purpose, filename, created_at}
        self.batches = {}    # id -> batch record
        self.order = []      # batch ids, oldest first
        self.created = {"openai": 0, "anthropic": 0}
        self.requests_in_batches = 0
        self.billed = 0
        self.uploads = 0
        self.refused = 0
        self.creations = 0
        self.hold = None
        self.held = None
        self.release_event = threading.Event()

    # ---- the test's controls

    def control(self, handler, path, body):
        if path == "/_control/hold":
            stage = json.loads(body or b"{}").get("stage")
            if stage not in STAGES:
                return handler.send_json(400, {"error": {"message": "stage must be one of %s" % ", ".join(STAGES)}})
            with self.lock:
                self.hold, self.held = stage, None
                self.release_event = threading.Event()
            return handler.send_json(200, {"hold": stage})
        if path == "/_control/release":
            with self.lock:
                self.hold, self.held = None, None
                self.release_event.set()
            return handler.send_json(200, {"released": True})
        return handler.send_json(404, {"error": {"message": "no such control"}})

    def at(self, stage):
        """Hangs here if the test holds this stage (once): returns True if it hung, and the
        request should be dropped without an answer."""
        with self.lock:
            if self.hold != stage:
                return False
            self.hold, self.held = None, stage
            event = self.release_event
        event.wait(600)
        return True

    def stats(self):
        with self.lock:
            return {"created": dict(self.created), "batches": sum(self.created.values()), "requests": self.requests_in_batches,
                    "billed": self.billed, "uploads": self.uploads, "refused": self.refused, "held": self.held}

    # ---- routing

    def handles(self, path):
        p = urlparse(path).path
        return p.startswith("/_control/") or p.startswith("/v1/files") or p.startswith("/v1/batches") or p.startswith("/v1/messages/batches")

    def get(self, handler):
        url = urlparse(handler.path)
        p, query = url.path.rstrip("/"), parse_qs(url.query)
        parts = p.split("/")
        if p == "/v1/batches":
            return self.list(handler, "openai", query)
        if p == "/v1/messages/batches":
            return self.list(handler, "anthropic", query)
        if p.startswith("/v1/batches/") and len(parts) == 4:
            return self.retrieve(handler, parts[3], "openai")
        if p.startswith("/v1/messages/batches/") and len(parts) == 5:
            return self.retrieve(handler, parts[4], "anthropic")
        if p.startswith("/v1/messages/batches/") and len(parts) == 6 and parts[5] == "results":
            batch = self.batches.get(parts[4])
            if batch is None or batch["api"] != "anthropic":
                return handler.send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": "no such batch"}})
            if batch["status"] != "ended":
                return handler.send_json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "batch is still processing"}})
            return self.send_file(handler, batch["results_path"], "application/x-jsonl")
        if p.startswith("/v1/files/") and len(parts) == 5 and parts[4] == "content":
            record = self.files.get(parts[3])
            if record is None:
                return handler.send_json(404, {"error": {"message": "No such File object: %s" % parts[3], "type": "invalid_request_error"}})
            return self.send_file(handler, record["path"], "application/octet-stream")
        return handler.send_json(404, {"error": {"message": "not found"}})

    def post(self, handler, body):
        p = urlparse(handler.path).path.rstrip("/")
        parts = p.split("/")
        if p.startswith("/_control/"):
            return self.control(handler, p, body)
        if p == "/v1/files":
            return self.upload(handler, body)
        if p == "/v1/batches":
            return self.create_openai(handler, body)
        if p == "/v1/messages/batches":
            return self.create_anthropic(handler, body)
        if p.startswith("/v1/batches/") and p.endswith("/cancel"):
            return self.cancel(handler, parts[3], "openai")
        if p.startswith("/v1/messages/batches/") and p.endswith("/cancel"):
            return self.cancel(handler, parts[4], "anthropic")
        return handler.send_json(404, {"error": {"message": "not found"}})

    # ---- OpenAI files

    def upload(self, handler, body):
        if self.at("upload"):
            handler.close_connection = True
            return
        kind = handler.headers.get("Content-Type", "")
        if "boundary=" not in kind:
            return handler.send_json(400, {"error": {"message": "expected multipart/form-data", "type": "invalid_request_error"}})
        boundary = kind.split("boundary=", 1)[1].strip().strip('"').encode()
        fields, content, filename = {}, None, "upload.jsonl"
        for part in body.split(b"--" + boundary):
            if b"\r\n\r\n" not in part:
                continue
            head, data = part.split(b"\r\n\r\n", 1)
            if data.endswith(b"\r\n"):
                data = data[:-2]
            head = head.decode("utf-8", "replace")
            name = head.split('name="', 1)[1].split('"', 1)[0] if 'name="' in head else ""
            if name == "file":
                content = data
                if 'filename="' in head:
                    filename = head.split('filename="', 1)[1].split('"', 1)[0]
            else:
                fields[name] = data.decode()
        if content is None or fields.get("purpose") != "batch":
            return handler.send_json(400, {"error": {"message": "a file and purpose=batch are required", "type": "invalid_request_error"}})
        file_id = "file-" + uuid.uuid4().hex[:24]
        path = os.path.join(self.folder, file_id)
        with open(path, "wb") as f:
            f.write(content)
        record = {"id": file_id, "object": "file", "bytes": len(content), "created_at": int(time.time()),
                  "filename": filename, "purpose": "batch", "path": path}
        with self.lock:
            self.files[file_id] = record
            self.uploads += 1
        handler.send_json(200, {k: v for k, v in record.items() if k != "path"})

    def send_file(self, handler, path, kind):
        size = os.path.getsize(path)
        handler.send_response(200)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(size))
        handler.end_headers()
        sent = 0
        with open(path, "rb") as f:
            while True:
                chunk = f.read(1 << 16)
                if not chunk:
                    break
                if sent + len(chunk) > size // 2 >= sent and size > 1 and self.hold == "download":
                    handler.wfile.write(chunk[: size // 2 - sent])
                    handler.wfile.flush()
                    if self.at("download"):
                        handler.close_connection = True
                        return
                    handler.wfile.write(chunk[size // 2 - sent:])
                else:
                    handler.wfile.write(chunk)
                sent += len(chunk)

    # ---- creation

    def refuse(self, handler, api):
        """A rate-limit refusal for the first --batch-create-429 creations; None otherwise."""
        with self.lock:
            self.creations += 1
            if self.creations > self.args.batch_create_429:
                return False
            self.refused += 1
        message = "Rate limit reached for batch creation: try again later"
        payload = ({"type": "error", "error": {"type": "rate_limit_error", "message": message}} if api == "anthropic"
                   else {"error": {"message": message, "type": "rate_limit_exceeded"}})
        handler.send_json(429, payload, {"Retry-After": "0"})
        return True

    def create_openai(self, handler, body):
        try:
            request = json.loads(body)
        except ValueError:
            return handler.send_json(400, {"error": {"message": "the body is not JSON", "type": "invalid_request_error"}})
        if self.at("create-before"):
            handler.close_connection = True
            return
        if self.refuse(handler, "openai"):
            return
        record = self.files.get(request.get("input_file_id"))
        if record is None:
            return handler.send_json(400, {"error": {"message": "input_file_id is not an uploaded file", "type": "invalid_request_error"}})
        if request.get("endpoint") != "/v1/chat/completions" or request.get("completion_window") != "24h":
            return handler.send_json(400, {"error": {"message": "endpoint must be /v1/chat/completions and completion_window 24h",
                                                     "type": "invalid_request_error"}})
        entries, seen = [], set()
        with open(record["path"], "rb") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    return handler.send_json(400, {"error": {"message": "line %d is not JSON" % number, "type": "invalid_request_error"}})
                cid = entry.get("custom_id")
                if not isinstance(cid, str) or cid in seen or entry.get("method") != "POST" or entry.get("url") != "/v1/chat/completions" \
                        or not isinstance(entry.get("body"), dict):
                    return handler.send_json(400, {"error": {"message": "line %d: a unique custom_id, method POST, url /v1/chat/completions "
                                                                        "and a body are required" % number, "type": "invalid_request_error"}})
                seen.add(cid)
                entries.append((cid, entry["body"]))
        if len(entries) > self.args.batch_max_requests:
            return handler.send_json(400, {"error": {"message": "a batch may hold at most %d requests" % self.args.batch_max_requests,
                                                     "type": "invalid_request_error"}})
        metadata = request.get("metadata") or {}
        batch_id = "batch_" + uuid.uuid4().hex[:24]
        now = time.time()
        batch = {"api": "openai", "id": batch_id, "entries": entries, "polls": 0, "status": "validating", "metadata": metadata,
                 "created_at": now, "input_file_id": record["id"]}
        self.add(batch)
        if self.at("create-after"):
            handler.close_connection = True
            return
        handler.send_json(200, self.openai_object(batch))

    def create_anthropic(self, handler, body):
        try:
            request = json.loads(body)
        except ValueError:
            return handler.send_json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "the body is not JSON"}})
        if self.at("create-before"):
            handler.close_connection = True
            return
        if self.refuse(handler, "anthropic"):
            return
        entries, seen = [], set()
        for number, entry in enumerate(request.get("requests") or [], 1):
            cid = entry.get("custom_id") if isinstance(entry, dict) else None
            if not isinstance(cid, str) or not (1 <= len(cid) <= 64) or cid in seen or not isinstance(entry.get("params"), dict):
                return handler.send_json(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                                          "message": "requests.%d: a unique custom_id (1-64 characters) and params are required" % (number - 1)}})
            seen.add(cid)
            entries.append((cid, entry["params"]))
        if not entries or len(entries) > self.args.batch_max_requests:
            return handler.send_json(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                                      "message": "a batch holds 1 to %d requests" % self.args.batch_max_requests}})
        batch_id = "msgbatch_" + uuid.uuid4().hex[:24]
        batch = {"api": "anthropic", "id": batch_id, "entries": entries, "polls": 0, "status": "in_progress", "created_at": time.time()}
        self.add(batch)
        if self.at("create-after"):
            handler.close_connection = True
            return
        handler.send_json(200, self.anthropic_object(batch))

    def add(self, batch):
        with self.lock:
            self.batches[batch["id"]] = batch
            self.order.append(batch["id"])
            self.created[batch["api"]] += 1
            self.requests_in_batches += len(batch["entries"])

    # ---- polling, processing

    def retrieve(self, handler, batch_id, api):
        batch = self.batches.get(batch_id)
        if batch is None or batch["api"] != api:
            return handler.send_json(404, {"error": {"message": "No batch found with id '%s'." % batch_id, "type": "invalid_request_error"}})
        if self.at("poll"):
            handler.close_connection = True
            return
        with self.lock:
            batch["polls"] += 1
            if batch["status"] in ("validating", "in_progress", "finalizing"):
                if batch["polls"] >= self.args.batch_polls:
                    self.process(batch)
                elif api == "openai":
                    batch["status"] = "in_progress" if batch["polls"] >= 1 else "validating"
                    if batch["polls"] == self.args.batch_polls - 1 and batch["polls"] > 1:
                        batch["status"] = "finalizing"
        handler.send_json(200, self.openai_object(batch) if api == "openai" else self.anthropic_object(batch))

    def fate(self, body_hash):
        """succeeded, errored or expired, for one request in a batch being processed."""
        failures = self.state.failures_per_body.get(body_hash, 0)
        if failures >= self.args.max_faults_per_request:
            return "succeeded"
        u = self.rng.random()
        if u < self.args.batch_error_rate:
            kind = "errored"
        elif u < self.args.batch_error_rate + self.args.batch_expire_rate:
            kind = "expired"
        else:
            return "succeeded"
        self.state.failures_per_body[body_hash] = failures + 1
        return kind

    def process(self, batch):
        """Answers every request of a batch (under the lock) and writes its results, shuffled."""
        api = batch["api"]
        lines_ok, lines_error = [], []
        counts = {"succeeded": 0, "errored": 0, "expired": 0, "canceled": 0}
        for cid, body in batch["entries"]:
            body_hash = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
            fate = "canceled" if batch.get("cancelled") else self.fate(body_hash)
            status, payload = (0, None)
            if fate == "succeeded":
                status, payload = self.reply_payload(self.state, body, api, "")
                if status != 200:
                    fate = "invalid"
            if api == "openai":
                request_id = "req_" + uuid.uuid4().hex[:16]
                if fate == "succeeded":
                    lines_ok.append({"id": "batch_req_" + uuid.uuid4().hex[:16], "custom_id": cid,
                                     "response": {"status_code": 200, "request_id": request_id, "body": payload}, "error": None})
                elif fate == "invalid":
                    lines_error.append({"id": "batch_req_" + uuid.uuid4().hex[:16], "custom_id": cid,
                                        "response": {"status_code": status, "request_id": request_id, "body": payload}, "error": None})
                elif fate == "errored":
                    lines_error.append({"id": "batch_req_" + uuid.uuid4().hex[:16], "custom_id": cid,
                                        "response": {"status_code": 500, "request_id": request_id,
                                                     "body": {"error": {"message": "The server had an error processing your request.",
                                                                        "type": "server_error"}}}, "error": None})
                elif fate == "expired":
                    lines_error.append({"id": "batch_req_" + uuid.uuid4().hex[:16], "custom_id": cid, "response": None,
                                        "error": {"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}})
                else:
                    lines_error.append({"id": "batch_req_" + uuid.uuid4().hex[:16], "custom_id": cid, "response": None,
                                        "error": {"code": "batch_cancelled", "message": "This request was cancelled."}})
            else:
                if fate == "succeeded":
                    result = {"type": "succeeded", "message": payload}
                elif fate in ("invalid", "errored"):
                    error = payload["error"] if fate == "invalid" else {"type": "api_error", "message": "Internal server error"}
                    result = {"type": "errored", "error": {"type": "error", "error": {"type": "invalid_request_error" if fate == "invalid" else error["type"],
                                                                                     "message": error.get("message", "")}}}
                else:
                    result = {"type": fate}
                lines_ok.append({"custom_id": cid, "result": result})
            counts["errored" if fate == "invalid" else fate] += 1
        self.billed += counts["succeeded"]
        self.state.ok += counts["succeeded"]
        self.rng.shuffle(lines_ok)
        self.rng.shuffle(lines_error)
        batch["counts"] = counts
        batch["ended_at"] = time.time()
        if api == "openai":
            batch["output_file_id"] = self.write_file(lines_ok, "batch_output") if lines_ok else None
            batch["error_file_id"] = self.write_file(lines_error, "batch_error") if lines_error else None
            batch["status"] = "cancelled" if batch.get("cancelled") else "expired" if counts["expired"] else "completed"
        else:
            path = os.path.join(self.folder, batch["id"] + "-results.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                for line in lines_ok:
                    f.write(json.dumps(line) + "\n")
            batch["results_path"] = path
            batch["status"] = "ended"
        batch["entries"] = [(cid, None) for cid, _ in batch["entries"]]  # answered: the bodies are not needed any more

    def write_file(self, lines, purpose):
        file_id = "file-" + uuid.uuid4().hex[:24]
        path = os.path.join(self.folder, file_id)
        with open(path, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(json.dumps(line) + "\n")
        self.files[file_id] = {"id": file_id, "object": "file", "bytes": os.path.getsize(path), "created_at": int(time.time()),
                               "filename": file_id + ".jsonl", "purpose": purpose, "path": path}
        return file_id

    def cancel(self, handler, batch_id, api):
        batch = self.batches.get(batch_id)
        if batch is None or batch["api"] != api:
            return handler.send_json(404, {"error": {"message": "no such batch"}})
        with self.lock:
            if batch["status"] not in ("completed", "expired", "cancelled", "ended"):
                batch["cancelled"] = True
                batch["status"] = "cancelling" if api == "openai" else "canceling"
        handler.send_json(200, self.openai_object(batch) if api == "openai" else self.anthropic_object(batch))

    # ---- objects

    def openai_object(self, batch):
        counts = batch.get("counts")
        total = len(batch["entries"])
        done = counts["succeeded"] if counts else 0
        return {"id": batch["id"], "object": "batch", "endpoint": "/v1/chat/completions", "errors": None,
                "input_file_id": batch["input_file_id"], "completion_window": "24h", "status": batch["status"],
                "output_file_id": batch.get("output_file_id"), "error_file_id": batch.get("error_file_id"),
                "created_at": int(batch["created_at"]), "completed_at": int(batch["ended_at"]) if counts else None,
                "request_counts": {"total": total, "completed": done, "failed": total - done if counts else 0},
                "metadata": batch["metadata"]}

    def anthropic_object(self, batch):
        counts = batch.get("counts")
        total = len(batch["entries"])
        ended = batch["status"] == "ended"
        return {"id": batch["id"], "type": "message_batch", "processing_status": batch["status"],
                "request_counts": {"processing": 0 if counts else total, "succeeded": counts["succeeded"] if counts else 0,
                                   "errored": counts["errored"] if counts else 0, "canceled": counts["canceled"] if counts else 0,
                                   "expired": counts["expired"] if counts else 0},
                "ended_at": rfc3339(batch["ended_at"]) if ended else None, "created_at": rfc3339(batch["created_at"]),
                "expires_at": rfc3339(batch["created_at"] + 86400), "cancel_initiated_at": None, "archived_at": None,
                "results_url": ("http://127.0.0.1:%d/v1/messages/batches/%s/results" % (self.port, batch["id"])) if ended else None}

    def list(self, handler, api, query):
        limit = min(int((query.get("limit") or ["20"])[0]), 1000)
        after = (query.get("after") or query.get("after_id") or [None])[0]
        with self.lock:
            ids = [i for i in reversed(self.order) if self.batches[i]["api"] == api]
        if after in ids:
            ids = ids[ids.index(after) + 1:]
        page = ids[:limit]
        data = [self.openai_object(self.batches[i]) if api == "openai" else self.anthropic_object(self.batches[i]) for i in page]
        payload = {"data": data, "has_more": len(ids) > limit, "first_id": page[0] if page else None, "last_id": page[-1] if page else None}
        if api == "openai":
            payload["object"] = "list"
        handler.send_json(200, payload)
