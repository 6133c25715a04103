#!/usr/bin/env python3
"""What repeated samples and a jury buy, and cost, on the test server's simulated judge
(--simulate: each prompt and model has a hidden accuracy; items share a difficulty; a request's
seed draws its own noise, as a repeated sample at temperature > 0 does): one study with a
variant at k = 1, 3 and 5 samples and a jury of three models, through `judgelab run` over HTTP.

    samples_jury.py [--judgelab .build/debug/judgelab] [--work .build/samples-jury] [--salt 1]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "Sources/JudgeLab/Resources/Samples")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--judgelab", default=os.path.join(ROOT, ".build/debug/judgelab"))
    p.add_argument("--work", default=os.path.join(ROOT, ".build/samples-jury"))
    p.add_argument("--salt", type=int, default=1)
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    data = os.path.join(args.work, "llmbar.jsonl")
    with open(data, "w") as out:
        for name in ("llmbar-natural.jsonl", "llmbar-adversarial.jsonl"):
            out.write(open(os.path.join(SAMPLES, name)).read())
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Support/fake_judge_server.py"), "--port", "0",
                               "--simulate", data, "--sim-salt", str(args.salt)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split()[1])
        study = os.path.join(args.work, "study.yaml")
        models = ["sim-a", "sim-b", "sim-c"]
        with open(study, "w") as f:
            f.write(f"""name: samples-and-jury
dataset: {data}
templates: {ROOT}/PromptTemplates
judge: {{base_url: "http://127.0.0.1:{port}/v1", model: sim-a, concurrency: 16}}
prices: {{{", ".join(f"{m}: {{input: 0.15, output: 0.6}}" for m in models)}}}
variants:
  list:
    - {{name: sim-a.k1, template: choice-ab, order: original, temperature: 0.7}}
    - {{name: sim-a.k3, template: choice-ab, order: original, temperature: 0.7, samples: 3}}
    - {{name: sim-a.k5, template: choice-ab, order: original, temperature: 0.7, samples: 5}}
    - {{name: sim-b.k1, template: choice-ab, order: original, temperature: 0.7, model: sim-b}}
    - {{name: sim-c.k1, template: choice-ab, order: original, temperature: 0.7, model: sim-c}}
juries:
  - {{name: jury-abc, members: [sim-a.k1, sim-b.k1, sim-c.k1]}}
""")
        out = os.path.join(args.work, "run")
        run = subprocess.run([args.judgelab, "run", study, "--out", out, "--quiet"], capture_output=True, text=True,
                             env=dict(os.environ, JUDGELAB_CACHE=os.path.join(args.work, "cache.sqlite")))
        if run.returncode != 0:
            sys.exit("run failed (%d): %s%s" % (run.returncode, run.stdout, run.stderr))
        metrics = json.load(open(os.path.join(out, "metrics.json")))
        stats = json.load(urllib.request.urlopen("http://127.0.0.1:%d/stats" % port))
        rows = {v["variant"]: v for v in metrics["variants"]}
        print("%d items of LLMBar (Natural and Adversarial), simulated judges over HTTP, %d requests" % (rows["sim-a.k1"]["n_items"], stats["ok"]))
        print("| variant | agreement [95% CI] | cost | cost against sim-a.k1 | flip rate | vote confidence | ECE |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        base = rows["sim-a.k1"]["cost_usd"]
        for name in ["sim-a.k1", "sim-a.k3", "sim-a.k5", "sim-b.k1", "sim-c.k1", "jury-abc"]:
            v = rows[name]
            pct = lambda x: "—" if x is None else "%.1f%%" % (100 * x)
            print("| %s | %s [%s, %s] | $%.4f | %.2f× | %s | %s | %s |" % (
                name, pct(v["agreement"]), pct(v["agreement_ci"][0]), pct(v["agreement_ci"][1]), v["cost_usd"], v["cost_usd"] / base,
                pct(v.get("flip_rate")), pct(v.get("vote_confidence")), "—" if v.get("ece") is None else "%.3f" % v["ece"]))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
