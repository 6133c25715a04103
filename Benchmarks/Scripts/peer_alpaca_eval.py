#!/usr/bin/env python3
"""A peer: AlpacaEval's `PairwiseAnnotator` with its `chatgpt` annotator config, the
concurrency set through the config's `num_procs`.

    OPENAI_CLIENT_CONFIG_PATH=CLIENT.yaml peer_alpaca_eval.py CONCURRENCY ITEMS.jsonl WORKDIR

Needs alpaca-eval 0.6.6 (see Benchmarks/README.md). AlpacaEval judges each pair once, in an
order it picks at random. Prints {"n", "wall", "cpu"} for the judging phase only.
"""
import json
import os
import resource
import sys
import time

import yaml
import alpaca_eval
from alpaca_eval.annotators import PairwiseAnnotator


def cpu_seconds():
    """User + system CPU of this process and its finished children."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


concurrency, path, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
items = [json.loads(line) for line in open(path)]
configs = os.path.join(os.path.dirname(alpaca_eval.__file__), "evaluators_configs")
with open(os.path.join(configs, "chatgpt", "configs.yaml")) as f:
    config = yaml.safe_load(f)
config["chatgpt"]["prompt_template"] = os.path.join(configs, "chatgpt", "basic_prompt.txt")
config["chatgpt"]["completions_kwargs"]["num_procs"] = concurrency
os.makedirs(os.path.join(work, "bench_chatgpt"), exist_ok=True)
config_path = os.path.join(work, "bench_chatgpt", "configs.yaml")
with open(config_path, "w") as f:
    yaml.safe_dump(config, f)

annotator = PairwiseAnnotator(annotators_config=config_path, caching_path=None)
pairs = [{"instruction": i["question"], "output_1": i["answer_1"], "output_2": i["answer_2"]} for i in items]
cpu0 = cpu_seconds()
t0 = time.perf_counter()
annotated = annotator.annotate_pairs(pairs)
wall = time.perf_counter() - t0
cpu = cpu_seconds() - cpu0
print(json.dumps({"n": len(annotated), "wall": wall, "cpu": cpu,
                  "unparsed": sum(a.get("preference") is None for a in annotated)}), file=sys.__stderr__)
