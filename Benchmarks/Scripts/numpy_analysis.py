#!/usr/bin/env python3
"""The numpy side of the analysis benchmark: load the data set and judgments (JSONL), then each
variant's agreement and its 95% percentile bootstrap CI over items.

    numpy_analysis.py DATASET JUDGMENTS RESAMPLES
"""
import json
import sys

import numpy as np

human = {}
for line in open(sys.argv[1]):
    item = json.loads(line)
    human[item["id"]] = item["winner"]
by_variant = {}
for line in open(sys.argv[2]):
    j = json.loads(line)
    verdict = {"first": "1", "second": "2", "tie": "tie"}[j["choice"]]
    by_variant.setdefault(j["variant"], []).append(1.0 if verdict == human[j["item"]] else 0.0)
rng = np.random.default_rng(1)
resamples = int(sys.argv[3])
out = {}
for variant, agree in by_variant.items():
    values = np.asarray(agree)
    n = len(values)
    means = np.empty(resamples)
    for b in range(0, resamples, 100):  # in chunks, to bound memory
        k = min(100, resamples - b)
        means[b:b + k] = values[rng.integers(0, n, size=(k, n))].mean(axis=1)
    lo, hi = np.quantile(means, [0.025, 0.975])
    out[variant] = {"agreement": float(values.mean()), "agreement_ci": [float(lo), float(hi)]}
print(json.dumps(out)[:200])
