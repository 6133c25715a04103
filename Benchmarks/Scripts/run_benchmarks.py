#!/usr/bin/env python3
"""JudgeLab's benchmarks, measured in one run on one machine by this script, written to
Benchmarks/RESULTS.md. Every speed figure is a ratio taken in the same run.

    run_benchmarks.py --judgelab .build/release/judgelab [--quick] [--peer-python VENV/bin/python]

Workloads: (1) throughput and client CPU at C = 1, 16, 64, 256 against a loopback endpoint with a
fixed 200 ms latency, whose own ceiling is measured first; (2) the openai SDK (AsyncOpenAI and a
semaphore) on the same endpoint, items and concurrency; (3) re-running a fully cached
10,000-judgment study; (4) analysis of 20 variants × 5,000 items with 2,000 bootstrap resamples
against numpy doing the same; (5) peak memory analysing and reporting 1,000,000 judgments;
(6) report generation for a 5,000-item run.
"""
import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
LATENCY = 0.2


def sh(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def timed(args, **kw):
    """(wall seconds, peak RSS in MB, completed process) of a command."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M"] + args, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - start
    rss = int(re.search(r"MAXRSS (\d+)", result.stderr).group(1)) / 1024
    return wall, rss, result


def start_endpoint(work):
    """Builds and starts endpoint.c (C, epoll): it shares the two cores with every client measured."""
    binary = os.path.join(work, "endpoint")
    build = sh(["cc", "-O2", "-o", binary, os.path.join(HERE, "endpoint.c")])
    if build.returncode:
        raise SystemExit("cannot build endpoint.c: " + build.stderr)
    process = subprocess.Popen([binary, "--port", "0", "--latency-ms", str(LATENCY * 1000),
                                "--max-seconds", "3000"], stdout=subprocess.PIPE, text=True)
    port = int(process.stdout.readline().split()[1])
    return process, port


def write_dataset(path, items, tag):
    rng = random.Random(items)
    with open(path, "w") as f:
        for i in range(items):
            f.write(json.dumps({"id": "b%d" % i, "question": "Benchmark %s question %d: explain the topic briefly." % (tag, i),
                                "answer_1": "An answer " * rng.randint(5, 40), "answer_2": "Another answer " * rng.randint(3, 40),
                                "winner": ["1", "2", "tie"][i % 3], "category": "c%d" % (i % 10)}) + "\n")


def study(path, data, port, items, name):
    with open(path, "w") as f:
        f.write("""name: %s
dataset: %s
templates: %s/PromptTemplates
sample: {first: %d}
judge: {base_url: http://127.0.0.1:%d/v1, model: gpt-4o-mini, timeout_seconds: 60}
variants:
  list:
    - {template: choice-ab, order: both, name: judge}
""" % (name, data, ROOT, items, port))


def judged(stdout):
    m = re.search(r"judged in ([\d.]+) s wall, ([\d.]+) s CPU", stdout)
    return float(m.group(1)), float(m.group(2))


PEER = r'''
import asyncio, json, resource, sys, time
from openai import AsyncOpenAI
port, concurrency, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
prompts = [json.loads(l) for l in open(path)]
client = AsyncOpenAI(base_url="http://127.0.0.1:%d/v1" % port, api_key="x", max_retries=0, timeout=60)
async def main():
    gate = asyncio.Semaphore(concurrency)
    async def one(p):
        async with gate:
            r = await client.chat.completions.create(model="gpt-4o-mini", messages=p, temperature=0, max_tokens=10)
            return r.choices[0].message.content
    cpu0 = resource.getrusage(resource.RUSAGE_SELF); t0 = time.perf_counter()
    answers = await asyncio.gather(*[one(p) for p in prompts])
    wall = time.perf_counter() - t0; cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    print(json.dumps({"n": len(answers), "wall": wall, "cpu": cpu}))
asyncio.run(main())
'''


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--judgelab", default=os.path.join(ROOT, ".build/release/judgelab"))
    p.add_argument("--peer-python", default="")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", default=os.path.join(ROOT, "Benchmarks", "RESULTS.md" if "--quick" not in sys.argv else "RESULTS-quick.md"))
    args = p.parse_args()
    jl = os.path.abspath(args.judgelab)
    quick = args.quick
    work = tempfile.mkdtemp(prefix="judgelab-bench-")
    lines = []
    log = lambda s: (print(s, flush=True), lines.append(s))
    endpoint, port = start_endpoint(work)
    try:
        log("# JudgeLab benchmarks\n")
        log("Measured %s on %s (%s, %d cores), by `Benchmarks/Scripts/run_benchmarks.py%s`, JudgeLab release build. "
            "Every figure below comes from this one run.\n" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), platform.node() or "this machine",
                                                              platform.platform(), os.cpu_count(), " --quick" if quick else ""))
        concurrencies = [1, 16, 64, 256]
        n = 1000 if quick else 5000

        # 1. The endpoint's own ceiling.
        log("## 1. Throughput (loopback endpoint, %d ms latency)\n" % (LATENCY * 1000))
        ceiling = {}
        for c in concurrencies:
            total = max(c * 4, 200) if c == 1 else (c * (4 if quick else 20))
            rate = float(sh([sys.executable, os.path.join(HERE, "loadgen.py"), str(port), str(c), str(total)]).stdout)
            ceiling[c] = rate / (c / LATENCY)

        # 2. JudgeLab and the openai SDK at each concurrency.
        rows = []
        for c in concurrencies:
            count = 200 if c == 1 else n  # C = 1 at 200 ms is 5 judgments a second
            folder = os.path.join(work, "tp-%d" % c)
            os.makedirs(folder)
            write_dataset(os.path.join(folder, "data.jsonl"), count // 2, "jl%d" % c)
            study(os.path.join(folder, "study.yaml"), "data.jsonl", port, count // 2, "tp%d" % c)
            r = sh([jl, "run", os.path.join(folder, "study.yaml"), "--out", os.path.join(folder, "R", "run"), "--concurrency", str(c), "--quiet"])
            if r.returncode:
                raise SystemExit("judgelab run failed: " + r.stderr + r.stdout)
            wall, cpu = judged(r.stdout)
            row = {"c": c, "n": count, "jl_rate": count / wall, "jl_eff": count / wall / (c / LATENCY), "jl_cpu": cpu / count * 1000}
            if args.peer_python and c > 1:
                prompts = os.path.join(folder, "prompts.jsonl")
                with open(prompts, "w") as f:
                    for i in range(count):
                        f.write(json.dumps([{"role": "system", "content": "Judge. Reply A, B or tie."},
                                            {"role": "user", "content": "peer %d question %d: " % (c, i) + "An answer " * (5 + i % 30)}]) + "\n")
                pr = sh([args.peer_python, "-c", PEER, str(port), str(c), prompts])
                if pr.returncode == 0:
                    peer = json.loads(pr.stdout)
                    row.update(peer_rate=count / peer["wall"], peer_eff=count / peer["wall"] / (c / LATENCY), peer_cpu=peer["cpu"] / count * 1000)
            rows.append(row)
        log("| C | judgments | endpoint ceiling (efficiency) | JudgeLab judgments/s | JudgeLab efficiency | JudgeLab CPU s / 1000 | openai SDK judgments/s | openai SDK efficiency | openai SDK CPU s / 1000 | CPU ratio (SDK ÷ JudgeLab) |")
        log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            peer = ("%.0f | %.2f | %.2f | %.1f×" % (r["peer_rate"], r["peer_eff"], r["peer_cpu"], r["peer_cpu"] / r["jl_cpu"])) if "peer_rate" in r else "— | — | — | —"
            log("| %d | %d | %.2f | %.0f | **%.2f** | %.2f | %s |" % (r["c"], r["n"], ceiling[r["c"]], r["jl_rate"], r["jl_eff"], r["jl_cpu"], peer))
        log("\nEfficiency = judgments/s ÷ (C / latency). CPU is the client's user + system time during the judging phase "
            "(JudgeLab: getrusage around its runner, reported by `judgelab run`; the SDK: getrusage around `asyncio.gather`). "
            "The endpoint ceiling is `loadgen.py`, a stdlib asyncio client, on the same endpoint.\n")

        # 3. A fully cached 10,000-judgment study.
        log("## 2. Re-running a fully cached study\n")
        folder = os.path.join(work, "cache")
        os.makedirs(folder)
        items = 1000 if quick else 5000
        write_dataset(os.path.join(folder, "data.jsonl"), items, "cache")
        study(os.path.join(folder, "study.yaml"), "data.jsonl", port, items, "cached")
        first = sh([jl, "run", os.path.join(folder, "study.yaml"), "--out", os.path.join(folder, "R", "run"), "--concurrency", "256", "--quiet"])
        resumed, _, r2 = timed([jl, "run", os.path.join(folder, "study.yaml"), "--out", os.path.join(folder, "R", "run"), "--quiet"])
        fromcache, _, r3 = timed([jl, "run", os.path.join(folder, "study.yaml"), "--out", os.path.join(folder, "R", "again"), "--quiet"])
        j2, _ = judged(r2.stdout)
        j3, _ = judged(r3.stdout)
        log("| %d judgments | whole command, wall | judging phase | target |" % (2 * items))
        log("| --- | --- | --- | --- |")
        log("| the same command again (all answered in the journal) | %.2f s | %.3f s | < 1 s |" % (resumed, j2))
        log("| a new run folder, every answer from the response cache | %.2f s | %.3f s | < 1 s |" % (fromcache, j3))
        log("\nThe whole command includes loading the study, rendering %d prompts, the journal, `judgments.jsonl` and the three reports.\n" % (2 * items))

        # 4. Analysis against numpy.
        log("## 3. Analysis: 20 variants × %d items × 2,000 bootstrap resamples\n" % (1000 if quick else 5000))
        folder = os.path.join(work, "analysis")
        os.makedirs(folder)
        items = 1000 if quick else 5000
        write_dataset(os.path.join(folder, "data.jsonl"), items, "an")
        rng = random.Random(5)
        with open(os.path.join(folder, "judgments.jsonl"), "w") as f:
            for v in range(20):
                for i in range(items):
                    f.write(json.dumps({"item": "b%d" % i, "variant": "v%d" % v, "order": "original", "choice": rng.choice(["first", "second", "tie"])}) + "\n")
        ours, ours_rss, r = timed([jl, "analyze", "--dataset", os.path.join(folder, "data.jsonl"), "--judgments", os.path.join(folder, "judgments.jsonl"),
                                   "--format", "json", "--bootstrap", "2000"])
        numpy_script = os.path.join(HERE, "numpy_analysis.py")
        theirs, theirs_rss, r2 = timed([sys.executable, numpy_script, os.path.join(folder, "data.jsonl"), os.path.join(folder, "judgments.jsonl"), "2000"])
        log("| implementation | wall | peak RSS |")
        log("| --- | --- | --- |")
        log("| `judgelab analyze --bootstrap 2000` (every METRICS.md metric, per category, ranking) | %.2f s | %.0f MB |" % (ours, ours_rss))
        log("| numpy (load the same files, agreement and its bootstrap CI only) | %.2f s | %.0f MB |" % (theirs, theirs_rss))
        log("\nRatio: JudgeLab takes **%.2f×** numpy's time (target ≤ 1).\n" % (ours / theirs))

        # 5. Memory with 1,000,000 judgments.
        log("## 4. Memory: analysing and reporting 1,000,000 judgments\n")
        folder = os.path.join(work, "million", "run")
        os.makedirs(folder)
        variants, items = (10, 5000) if quick else (20, 25000)
        write_dataset(os.path.join(folder, "dataset.jsonl"), items, "mem")
        with open(os.path.join(folder, "judgments.jsonl"), "w") as f:
            for v in range(variants):
                for i in range(items):
                    for order in ("original", "swapped"):
                        f.write('{"item":"b%d","variant":"v%d","order":"%s","choice":"%s","cost_usd":0.0001,"latency_ms":200}\n'
                                % (i, v, order, ("first", "second", "tie")[(i * 7 + v) % 3]))
        total = variants * items * 2
        wall, rss, r = timed([jl, "report", folder])
        ok = r.returncode == 0
        log("| judgments | command | wall | peak RSS | target |")
        log("| --- | --- | --- | --- | --- |")
        log("| %d | `judgelab report` (load, analyse with 2,000 resamples, write HTML, XML and metrics.json) | %.1f s | **%.0f MB** | < 300 MB |%s" % (
            total, wall, rss, "" if ok else " (failed: %s)" % r.stderr.strip()[:200]))
        size = sum(os.path.getsize(os.path.join(folder, f)) for f in ("report.html", "report.xml", "metrics.json") if os.path.exists(os.path.join(folder, f)))
        log("\nThe three reports total %.1f MB.\n" % (size / 1e6))

        # 6. Report generation for 5,000 items.
        log("## 5. Report generation for a 5,000-item run\n")
        folder = os.path.join(work, "report", "run")
        os.makedirs(folder)
        write_dataset(os.path.join(folder, "dataset.jsonl"), 5000, "rep")
        with open(os.path.join(folder, "judgments.jsonl"), "w") as f:
            for v in range(4):
                for i in range(5000):
                    for order in ("original", "swapped"):
                        f.write(json.dumps({"item": "b%d" % i, "variant": "v%d" % v, "order": order, "output": "Output (a) is better because " + "x" * 200,
                                            "choice": ("first", "second", "tie")[(i + v) % 3], "cost_usd": 0.0002 * (v + 1), "latency_ms": 180 + v}) + "\n")
        wall, rss, r = timed([jl, "report", folder])
        html = os.path.getsize(os.path.join(folder, "report.html")) / 1e6
        opened = "—"
        chromium = shutil.which("chromium")
        if chromium:
            start = time.perf_counter()
            sh(["timeout", "60", chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--proxy-server=http://127.0.0.1:9",
                "--disable-background-networking", "--dump-dom", "file://" + os.path.join(folder, "report.html")])
            page = time.perf_counter() - start
            start = time.perf_counter()
            sh(["timeout", "60", chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--proxy-server=http://127.0.0.1:9",
                "--disable-background-networking", "--dump-dom", "data:text/html,<p>x</p>"])
            blank = time.perf_counter() - start
            opened = "%.2f s (an empty page: %.2f s; the report adds %.2f s)" % (page, blank, page - blank)
        log("| items × variants × orders | `judgelab report` wall | peak RSS | report.html | headless Chromium, load to DOM |")
        log("| --- | --- | --- | --- | --- |")
        log("| 5,000 × 4 × 2 | %.2f s | %.0f MB | %.2f MB | %s |\n" % (wall, rss, html, opened))
    finally:
        endpoint.kill()
        shutil.rmtree(work, ignore_errors=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
