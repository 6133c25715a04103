#!/usr/bin/env python3
"""A million judgments through the batch API of the loopback test server: peak memory of
`judgelab run --batch` and its time.

    batch_million.py [--items 50000] [--variants 10] [--api openai|anthropic] [--bin .build/release/judgelab]

Writes a data set of short synthetic pairs and a study of `variants` choice-ab variants (each a
temperature of its own, so that no two requests are the same) × both orders: items × variants ×
2 judgments. Starts fake_judge_server.py (batches answered on their first poll), runs the study
with --batch, and prints the run's wall time, its peak resident memory (ru_maxrss of the child,
from wait4) and the server's batch counters. Exits non-zero unless every judgment is recorded
exactly once and each request was billed once.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--items", type=int, default=50000)
    p.add_argument("--variants", type=int, default=10)
    p.add_argument("--api", choices=["openai", "anthropic"], default="openai")
    p.add_argument("--bin", default=os.path.join(ROOT, ".build/release/judgelab"))
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    args = p.parse_args()

    work = tempfile.mkdtemp(prefix="judgelab-million-")
    rng = random.Random(1)
    words = "the a answer question good better best clear short long reason result value data model".split()
    with open(os.path.join(work, "data.jsonl"), "w") as f:
        for i in range(args.items):
            def sentence(n):
                return " ".join(rng.choice(words) for _ in range(n))
            f.write(json.dumps({"id": "q%06d" % i, "question": sentence(8), "answer_1": sentence(rng.randint(4, 12)),
                                "answer_2": sentence(rng.randint(4, 12)), "winner": rng.choice(["1", "2", "tie"])}) + "\n")

    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Support/fake_judge_server.py"), "--port", "0",
                               "--batch-polls", "1", "--max-seconds", "3600"], stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline().split()[1])
    judge = ("base_url: http://127.0.0.1:%d/v1\n  model: gpt-4o-mini" % port if args.api == "openai"
             else "provider: anthropic\n  base_url: http://127.0.0.1:%d\n  model: claude-3-5-haiku-latest" % port)
    variants = "\n".join("    - {name: t%d, template: choice-ab, temperature: %.2f, order: both}" % (v, v / 100) for v in range(args.variants))
    study = os.path.join(work, "study.yaml")
    with open(study, "w") as f:
        f.write("""name: million
dataset: data.jsonl
templates: %s/PromptTemplates
split: {fewshot_fraction: 0, seed: 1}
judge:
  %s
  batch_poll_seconds: 0.5
variants:
  list:
%s
""" % (ROOT, judge, variants))
    total = args.items * args.variants * 2
    out = os.path.join(work, "Results", "run")
    start = time.time()
    env = dict(os.environ, JUDGELAB_CACHE=os.path.join(work, "Results", "cache.sqlite"))  # not the user's cache
    child = subprocess.Popen([args.bin, "run", study, "--batch", "--out", out, "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # Resident memory sampled every 0.2 s, to tell the batch phase (flat) from the end, where
    # the million judgments are loaded, analysed and reported.
    samples = []

    def sample():
        while child.poll() is None:
            try:
                with open("/proc/%d/status" % child.pid) as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            samples.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
            time.sleep(0.2)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.time() - start
    stdout, stderr = child.stdout.read().decode(), child.stderr.read().decode()
    stats = json.load(urllib.request.urlopen("http://127.0.0.1:%d/stats" % port))["batch"]
    server.terminate()
    lines = sum(1 for _ in open(os.path.join(out, "judgments.jsonl"))) if os.path.exists(os.path.join(out, "judgments.jsonl")) else 0
    code = os.waitstatus_to_exitcode(status)
    print("judgelab run --batch (%s): %d judgments (%d items x %d variants x 2 orders)" % (args.api, total, args.items, args.variants))
    print("exit %d; %.1f s wall; peak RSS %.1f MB; judgments.jsonl lines %d" % (code, seconds, usage.ru_maxrss / 1024, lines))
    if samples:
        tenths = [max(samples[len(samples) * k // 10: max(len(samples) * (k + 1) // 10, len(samples) * k // 10 + 1)]) for k in range(10)]
        print("RSS by tenth of the run (MB, the most in each): " + " ".join("%.0f" % v for v in tenths))
    print("server: %d batches, %d requests in them, %d billed" % (stats["batches"], stats["requests"], stats["billed"]))
    print(stdout.strip().splitlines()[-2] if stdout.strip() else stderr.strip()[-500:])
    ok = code == 0 and lines == total and stats["billed"] == total and stats["requests"] == total
    if not args.keep:
        subprocess.run(["rm", "-rf", work])
    else:
        print("kept", work)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
