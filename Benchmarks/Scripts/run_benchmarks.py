#!/usr/bin/env python3
"""JudgeLab's benchmarks, measured in one run on one machine by this script, written to
Benchmarks/RESULTS.md. Every speed figure is a ratio taken in the same run.

    run_benchmarks.py --judgelab .build/release/judgelab [--quick] [--peer-python VENV/bin/python]

Workloads: (1) throughput and client CPU at C = 1, 16, 64, 256 against a loopback endpoint with a
fixed 200 ms latency, whose own ceiling is measured first; (2) the peers (the openai SDK with
AsyncOpenAI and a semaphore, FastChat's MT-Bench pairwise judge, AlpacaEval's annotator) on the
same endpoint, items and concurrency, each client five times in turn at C = 1 (its median run is
reported: a 200-judgment run's CPU moves by about ±10% there); (3) re-running a fully cached
10,000-judgment study; (4) analysis of 20 variants × 5,000 items with 2,000 bootstrap resamples
against numpy doing the same; (5) peak memory analysing and reporting 1,000,000 judgments;
(6) report generation for a 5,000-item run.
"""
import argparse
import json
import math
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


def cache_env(args):
    """A judgelab run's environment: its response cache beside its run folder (--out's parent),
    never the user's own, so that each workload starts cold and a second run into the same
    parent folder finds the first's answers."""
    env = dict(os.environ)
    if "--out" in args:
        env["JUDGELAB_CACHE"] = os.path.join(os.path.dirname(os.path.abspath(args[args.index("--out") + 1])), "cache.sqlite")
    return env


def sh(args, **kw):
    kw.setdefault("env", cache_env(args))
    return subprocess.run(args, capture_output=True, text=True, **kw)


def timed(args, **kw):
    """(wall seconds, peak RSS in MB, completed process) of a command."""
    kw.setdefault("env", cache_env(args))
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


def served(port):
    """The endpoint's request count so far."""
    import urllib.request
    with urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%d/stats" % port, data=b"{}")) as r:
        return json.loads(r.read())["requests"]


def last_json(text):
    """The last line of a peer's output that is a JSON object (its result)."""
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                pass
    return None


def judged(stdout):
    m = re.search(r"judged in ([\d.]+) s wall, ([\d.]+) s CPU", stdout)
    return float(m.group(1)), float(m.group(2))




def main():
    p = argparse.ArgumentParser()
    p.add_argument("--judgelab", default=os.path.join(ROOT, ".build/release/judgelab"))
    p.add_argument("--peer-python", default="", help="a Python with the openai SDK (1.x)")
    p.add_argument("--fastchat-python", default="", help="a Python with fschat 0.2.36 and openai 0.28")
    p.add_argument("--alpaca-python", default="", help="a Python with alpaca-eval 0.6.6")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", default=os.path.join(ROOT, "Benchmarks", "RESULTS.md" if "--quick" not in sys.argv else "RESULTS-quick.md"))
    args = p.parse_args()
    jl = os.path.abspath(args.judgelab)
    for name in ("peer_python", "fastchat_python", "alpaca_python"):
        if getattr(args, name):
            setattr(args, name, os.path.abspath(getattr(args, name)))
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
        alpaca = 200 if quick else 1000  # AlpacaEval is CPU-bound near 33 judgments/s (PEERS.md)
        client_config = os.path.join(work, "openai-client.yaml")
        with open(client_config, "w") as f:
            f.write("default:\n  - api_key: x\n    base_url: http://127.0.0.1:%d/v1\n" % port)
        # (name, python, driver, items for N judgments, arguments): FastChat judges each item in
        # both orders, AlpacaEval once; the SDK loop in both orders.
        peers = [
            ("openai SDK", args.peer_python, "peer_openai.py", lambda count: count // 2, lambda c, items, folder: [str(port), str(c), items]),
            ("FastChat", args.fastchat_python, "peer_fastchat.py", lambda count: count // 2,
             lambda c, items, folder: [str(c), items, os.path.join(folder, "fastchat-judgments.jsonl")]),
            ("AlpacaEval", args.alpaca_python, "peer_alpaca_eval.py", lambda count: min(alpaca, count), lambda c, items, folder: [str(c), items, folder]),
        ]

        # 1. The endpoint's own ceiling.
        log("## 1. Throughput (loopback endpoint, %d ms latency)\n" % (LATENCY * 1000))
        ceiling = {}
        for c in concurrencies:
            total = max(c * 4, 200) if c == 1 else (c * (4 if quick else 20))
            rate = float(sh([sys.executable, os.path.join(HERE, "loadgen.py"), str(port), str(c), str(total)]).stdout)
            ceiling[c] = rate / (c / LATENCY)

        # 2. JudgeLab and the peers at each concurrency, on the same items. At C = 1 a run is 200
        # judgments and its CPU figure moves by ±10% from run to run on this machine (a client
        # is woken five times a second, each time with cold caches): there every client runs
        # ROUNDS times, in turn, and the table shows each one's median run.
        rounds = 1 if quick else 5
        runs = []
        for c in concurrencies:
            count = 200 if c == 1 else n  # C = 1 at 200 ms is 5 judgments a second
            for round_ in range(rounds if c == 1 else 1):
                folder = os.path.join(work, "tp-%d-%d" % (c, round_))
                os.makedirs(folder)
                write_dataset(os.path.join(folder, "data.jsonl"), count // 2, "jl%d-%d" % (c, round_))
                study(os.path.join(folder, "study.yaml"), "data.jsonl", port, count // 2, "tp%d" % c)
                before = served(port)
                r = sh([jl, "run", os.path.join(folder, "study.yaml"), "--out", os.path.join(folder, "R", "run"), "--concurrency", str(c), "--quiet"])
                if r.returncode:
                    raise SystemExit("judgelab run failed: " + r.stderr + r.stdout)
                wall, cpu = judged(r.stdout)
                runs.append(dict(c=c, client="JudgeLab", n=count, sent=served(port) - before, wall=wall, cpu=cpu))
                for name, python, script, judgments, extra in peers:
                    if not python:
                        continue
                    # Fresh item texts per peer, C and round, so that nothing is answered from memory.
                    items = os.path.join(folder, "items-%s.jsonl" % script)
                    pairs = judgments(count)
                    write_dataset(items, pairs, "%s%d-%d" % (script, c, round_))
                    env = dict(os.environ, OPENAI_API_BASE="http://127.0.0.1:%d/v1" % port, OPENAI_API_KEY="x",
                               OPENAI_CLIENT_CONFIG_PATH=client_config)
                    before = served(port)
                    pr = sh([python, os.path.join(HERE, script)] + extra(c, items, folder), env=env, cwd=folder)
                    result = last_json(pr.stdout + "\n" + pr.stderr)
                    if pr.returncode or result is None:
                        log("(%s at C = %d failed: %s)\n" % (name, c, (pr.stderr or pr.stdout).strip()[-300:]))
                        continue
                    runs.append(dict(c=c, client=name, n=result["n"], sent=served(port) - before, wall=result["wall"], cpu=result["cpu"],
                                     note=result.get("errors") or result.get("unparsed")))
        # One row per client and C: the median of its runs by CPU per judgment.
        rows = []
        for c in concurrencies:
            for name in ["JudgeLab"] + [p[0] for p in peers]:
                mine_runs = sorted((r for r in runs if r["c"] == c and r["client"] == name), key=lambda r: r["cpu"] / r["n"])
                if mine_runs:
                    rows.append(dict(mine_runs[len(mine_runs) // 2], all=[r["cpu"] / r["n"] * 1000 for r in mine_runs]))
        log("| C | client | judgments | requests served | judgments/s | efficiency | client CPU s / 1000 | CPU ÷ JudgeLab's |")
        log("| --- | --- | --- | --- | --- | --- | --- | --- |")
        mine = {r["c"]: r for r in rows if r["client"] == "JudgeLab"}
        for r in rows:
            rate = r["n"] / r["wall"]
            per = r["cpu"] / r["n"] * 1000
            ratio = per / (mine[r["c"]]["cpu"] / mine[r["c"]]["n"] * 1000)
            bold = "**" if r["client"] == "JudgeLab" else ""
            log("| %d | %s%s%s | %d | %d | %.0f | %s%.2f%s | %.2f | %s |" % (
                r["c"], bold, r["client"], bold, r["n"], r["sent"], rate, bold, rate / (r["c"] / LATENCY), bold, per,
                "—" if r["client"] == "JudgeLab" else "%.1f×" % ratio))
        repeated = [r for r in rows if len(r["all"]) > 1]
        if repeated:
            log("\nAt C = 1 each client ran %d times, in turn (JudgeLab, then each peer, then again); the row is its median run. "
                "CPU s / 1000 of every run, lowest first: %s.\n" % (rounds, "; ".join(
                    "%s %s" % (r["client"], " / ".join("%.2f" % x for x in r["all"])) for r in repeated)))
        log("\nEndpoint ceiling (efficiency of `loadgen.py`, a stdlib asyncio client writing canned requests, %s): %s.\n" % (
            "C × 20 requests" if not quick else "C × 4 requests", ", ".join("C = %d: %.2f" % (c, ceiling[c]) for c in concurrencies)))
        log("Efficiency = judgments/s ÷ (C / latency). At C = 256, %d judgments are %.2f rounds of 256, so the last round is part-full "
            "and no client can pass %.3f. CPU is the client's user + system time during the judging phase (JudgeLab: getrusage around "
            "its runner, reported by `judgelab run`; the peers: getrusage of the process and its children around their judging call). "
            "Requests served is the endpoint's own count. Each peer judges its own fresh copy of the items.\n"
            % (n, n / 256, (n / 256) / math.ceil(n / 256)))
        peer_rows = [r for r in rows if r["client"] != "JudgeLab"]
        if any(r.get("note") for r in peer_rows):
            log("Answers a peer could not parse: " + ", ".join("%s at C = %d: %d" % (r["client"], r["c"], r["note"]) for r in peer_rows if r.get("note")) + ".\n")
        throughput_rows = rows

        # 3. A fully cached 10,000-judgment study.
        log("## 2. Re-running a fully cached study\n")
        folder = os.path.join(work, "cache")
        os.makedirs(folder)
        items = cached_items = 1000 if quick else 5000
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
        memory_wall, memory_rss, r = timed([jl, "report", folder])
        wall, rss = memory_wall, memory_rss
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
        # The verdicts, from the figures above.
        log("## Against the targets\n")
        log("Computed by the script from the figures above.\n")
        log("| workload | target | measured | verdict |")
        log("| --- | --- | --- | --- |")
        verdict = lambda ok: "met" if ok else "**missed**"
        top = mine[256]
        eff = top["n"] / top["wall"] / (256 / LATENCY)
        log("| throughput, C = 256 | efficiency ≥ 0.95 | %.3f (the endpoint's own ceiling: %.2f) | %s |" % (eff, ceiling[256], verdict(eff >= 0.95)))
        for name in sorted({r["client"] for r in peer_rows}):
            their_rows = [r for r in peer_rows if r["client"] == name]
            cpu_ratios = ["%.1f×" % ((r["cpu"] / r["n"]) / (mine[r["c"]]["cpu"] / mine[r["c"]]["n"])) for r in their_rows]
            faster = all(mine[r["c"]]["n"] / mine[r["c"]]["wall"] >= r["n"] / r["wall"] for r in their_rows)
            least = min((r["cpu"] / r["n"]) / (mine[r["c"]]["cpu"] / mine[r["c"]]["n"]) for r in their_rows)
            log("| against %s: client CPU per 1,000 | JudgeLab's ≤ 1/5 of theirs | they use %s JudgeLab's (C = %s) | %s |" % (
                name, " / ".join(cpu_ratios), " / ".join(str(r["c"]) for r in their_rows), verdict(least >= 5)))
            log("| against %s: throughput | at least theirs at every C | %s judgments/s, JudgeLab's first | %s |" % (
                name, "; ".join("%.0f vs %.0f" % (mine[r["c"]]["n"] / mine[r["c"]]["wall"], r["n"] / r["wall"]) for r in their_rows), verdict(faster)))
        log("| re-running a fully cached %s-judgment study | < 1 s wall | %.2f s (a new folder from the response cache: %.2f s) | %s |" % (
            format(2 * cached_items, ","), resumed, fromcache, verdict(resumed < 1)))
        log("| analysis, 20 variants × %d items × 2,000 resamples | no slower than numpy | %.2f× numpy's time | %s |" % (
            1000 if quick else 5000, ours / theirs, verdict(ours <= theirs)))
        log("| peak RSS, analysing and reporting %d judgments | < 300 MB | %.0f MB | %s |" % (total, memory_rss, verdict(memory_rss < 300 and ok)))
        log("")
    finally:
        endpoint.kill()
        shutil.rmtree(work, ignore_errors=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
