#!/usr/bin/env python3
"""JudgeLab against a minimal reference client on llama.cpp's real server (SmolLM2-135M): the
same requests, at a concurrency equal to the server's slots. The model is the bottleneck; the
client should not be: JudgeLab's judgments per second should be at least 0.95 of the reference's.

    .build/live/bin/python Benchmarks/Scripts/live_benchmark.py [--judgelab .build/release/judgelab]
        [--items 40] [--slots 4] [--rounds 4]

The reference client is Python's standard library only: a thread per slot, each sending the
request bodies JudgeLab sent (read back from its response cache) with urllib, one after another.
After an untimed warm-up, the two take turns (`--rounds` each, alternating which goes first) on
one server, so that both meet the same warm model and caches.
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def start_server(slots):
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Support/live_server.py"), "--slots", str(slots)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if not line.startswith("PORT "):
        raise SystemExit("live_benchmark: the server did not start")
    return process, int(line.split()[1])


def judgelab_run(binary, work, port, items, slots, name):
    folder = os.path.join(work, name)
    os.makedirs(folder)
    with open(os.path.join(ROOT, "Sources/JudgeLab/Resources/Samples/pandalm-200.jsonl")) as src, open(os.path.join(folder, "data.jsonl"), "w") as dst:
        dst.write(src.read())
    study = os.path.join(folder, "study.yaml")
    with open(study, "w") as f:
        f.write("name: live-bench\ndataset: data.jsonl\ntemplates: %s\nsample: {first: %d}\n"
                "judge: {provider: openai, base_url: \"http://127.0.0.1:%d/v1\", model: smollm2, concurrency: %d, timeout_seconds: 300}\n"
                "variants:\n  list:\n    - {template: choice-ab, order: original}\n" % (os.path.join(ROOT, "PromptTemplates"), items, port, slots))
    out = os.path.join(folder, "Results", "run")
    started = time.monotonic()
    # The response cache in the benchmark's folder, not the user's: every request is sent.
    env = dict(os.environ, JUDGELAB_CACHE=os.path.join(folder, "Results", "cache.sqlite"))
    r = subprocess.run([binary, "run", study, "--out", out, "--quiet"], capture_output=True, text=True, env=env)
    wall = time.monotonic() - started
    if r.returncode != 0:
        raise SystemExit("judgelab run failed: " + r.stdout + r.stderr)
    # The runner's own judging phase, as `judgelab run` reports it.
    judged = float(r.stdout.split("judged in ")[1].split(" s wall")[0])
    db = sqlite3.connect(os.path.join(folder, "Results", "cache.sqlite"))
    bodies = [row[0] for row in db.execute("SELECT request FROM responses")]
    answered = sum(1 for _ in open(os.path.join(out, "judgments.jsonl")))
    return answered, judged, wall, bodies


def reference_run(port, bodies, slots):
    queue = list(bodies)
    lock = threading.Lock()
    done = []

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop(0)
            request = urllib.request.Request("http://127.0.0.1:%d/v1/chat/completions" % port, data=body.encode(),
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=300) as reply:
                json.loads(reply.read())
            with lock:
                done.append(1)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(slots)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(done), time.monotonic() - started


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--judgelab", default=os.path.join(ROOT, ".build/release/judgelab"))
    p.add_argument("--items", type=int, default=40)
    p.add_argument("--slots", type=int, default=4)
    p.add_argument("--rounds", type=int, default=4)
    args = p.parse_args()
    server, port = start_server(args.slots)
    work = tempfile.mkdtemp(prefix="judgelab-live-bench-")
    try:
        ours, theirs = [], []
        # Warm-up (untimed): the model's first requests pay for loading pages and buffers.
        _, _, _, bodies = judgelab_run(os.path.abspath(args.judgelab), work, port, args.items, args.slots, "warmup")
        reference_run(port, bodies, args.slots)
        for round_ in range(args.rounds):
            # In turn, first one then the other; a new folder each time: nothing comes from
            # JudgeLab's cache. Both send the same distinct requests (identical pairs in the
            # data are one request for JudgeLab, so the rates count requests).
            def ours_now():
                n, judged, wall, sent = judgelab_run(os.path.abspath(args.judgelab), work, port, args.items, args.slots, "round%d" % round_)
                ours.append(len(sent) / judged)
                return "JudgeLab %d requests (%d judgments) in %.1f s: %.3f/s" % (len(sent), n, judged, len(sent) / judged)
            def theirs_now():
                m, seconds = reference_run(port, bodies, args.slots)
                theirs.append(m / seconds)
                return "reference %d requests in %.1f s: %.3f/s" % (m, seconds, m / seconds)
            parts = [ours_now(), theirs_now()] if round_ % 2 == 0 else [theirs_now(), ours_now()]
            print("round %d: %s; %s" % (round_ + 1, parts[0], parts[1]), flush=True)
        a, b = sum(ours) / len(ours), sum(theirs) / len(theirs)
        print("JudgeLab %.3f requests/s against the reference client's %.3f at concurrency %d (the server's slots): ratio %.3f (target >= 0.95): %s"
              % (a, b, args.slots, a / b, "met" if a / b >= 0.95 else "missed"))
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
