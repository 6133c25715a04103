#!/usr/bin/env python3
"""One simulated search end to end over HTTP: `judgelab simulate --write-trial` writes the
trial's items and study, the test server answers as the simulated judge (--simulate), `judgelab
optimize` races the candidates through libcurl, and `judgelab simulate --score` says how the
winner ranks by its hidden true agreement. The same trial in the process (`judgelab simulate
--trials 1 --first-seed SEED --strategy race`) should pick the same winner.

    optimize_http_trial.py [--seed 1] [--judgelab .build/release/judgelab] [--work .build/optimize-http]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--judgelab", default=os.path.join(ROOT, ".build/release/judgelab"))
    p.add_argument("--work", default=os.path.join(ROOT, ".build/optimize-http"))
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    trial = os.path.join(args.work, "trial")
    subprocess.run([args.judgelab, "simulate", "--write-trial", trial, "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Support/fake_judge_server.py"), "--port", "0",
                               "--simulate", os.path.join(trial, "data.jsonl"), "--sim-salt", str(args.seed)],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split()[1])
        subprocess.run([args.judgelab, "simulate", "--write-trial", trial, "--seed", str(args.seed),
                        "--base-url", "http://127.0.0.1:%d/v1" % port], check=True, stdout=subprocess.DEVNULL)
        out = os.path.join(args.work, "Results", "search")
        started = time.time()
        run = subprocess.run([args.judgelab, "optimize", os.path.join(trial, "study.yaml"), "--out", out, "--quiet"],
                             capture_output=True, text=True,
                             env=dict(os.environ, JUDGELAB_CACHE=os.path.join(args.work, "Results", "cache.sqlite")))  # not the user's cache
        seconds = time.time() - started
        if run.returncode != 0:
            sys.exit("optimize failed (%d): %s%s" % (run.returncode, run.stdout, run.stderr))
        score = subprocess.run([args.judgelab, "simulate", "--score", out, "--study", os.path.join(trial, "study.yaml"),
                                "--seed", str(args.seed)], check=True, capture_output=True, text=True).stdout.splitlines()
        import urllib.request
        stats = json.load(urllib.request.urlopen("http://127.0.0.1:%d/stats" % port))
        inproc = subprocess.run([args.judgelab, "simulate", "--trials", "1", "--first-seed", str(args.seed), "--strategy", "race",
                                 "--work", os.path.join(args.work, "inproc"), "--json", os.path.join(args.work, "inproc.jsonl")],
                                check=True, capture_output=True, text=True)
        same = json.loads(open(os.path.join(args.work, "inproc.jsonl")).readline())
        result = json.loads(score[1])
        print(score[0])
        print("over HTTP: %d requests to the test server (%d answered), %.1f s; in the process the same trial picks %s (%s)"
              % (stats["requests"], stats["ok"], seconds, same["winner"], "the same winner" if same["winner"] == result["winner"] else "a different winner"))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
