#!/usr/bin/env python3
"""An independent implementation of METRICS.md sections 9 (calibration) and 10 (cascades), written
from the definitions, used by the test suite to check JudgeLab's Calibration and Cascade.

    cascade_reference.py < CASES.json

CASES is a JSON list; each case is {"alpha", "delta", "calibration": {"stages": [[reading...]...],
"human": [verdict...]}, "evaluation": {"stages": ..., "human": ...}, "confidences": [[c, correct]...]}
with a reading {"verdict": "1" | "2" | "tie" | null, "confidence": number | null, "cost": number}.
Prints a JSON list: each case's thresholds (null for a stage that keeps nothing), its outcome on
the evaluation items, and ece and brier of its confidences. The Clopper-Pearson bound is found
here from the binomial distribution itself (P(X <= e) = delta / m, by bisection), not from the
beta function. Only the standard library is used.
"""
import json
import math
import sys

MINIMUM = 30


def binomial_cdf(e, n, p):
    """P(X <= e) for X ~ Binomial(n, p), summed in log space."""
    if p <= 0:
        return 1.0
    if p >= 1:
        return 1.0 if e >= n else 0.0
    terms = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * math.log(p) + (n - i) * math.log1p(-p)
             for i in range(e + 1)]
    top = max(terms)
    return math.exp(top) * math.fsum(math.exp(t - top) for t in terms)


def upper(e, n, tail):
    """The p at which P(X <= e) = tail: the one-sided Clopper-Pearson upper bound."""
    if e >= n:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if binomial_cdf(e, n, mid) > tail:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def keeps(reading, threshold):
    return threshold is not None and reading["verdict"] is not None and reading["confidence"] is not None \
        and reading["confidence"] >= threshold


def fit(stages, human, alpha, delta):
    m = len(stages)
    reaching = list(range(len(human)))
    thresholds = []
    for stage in stages:
        scored = [(stage[i]["confidence"], stage[i]["verdict"] != human[i]) for i in reaching
                  if stage[i]["verdict"] is not None and stage[i]["confidence"] is not None]
        chosen = None  # keeps nothing
        for lam in sorted({c for c, _ in scored}, reverse=True):
            kept = [wrong for c, wrong in scored if c >= lam]
            if len(kept) < MINIMUM:
                continue
            if upper(sum(kept), len(kept), delta / m) > alpha:
                break
            chosen = lam
        thresholds.append(chosen)
        reaching = [i for i in reaching if not keeps(stage[i], chosen)]
    return thresholds


def evaluate(stages, human, thresholds):
    n = len(human)
    kept_by, verdicts = [None] * n, [None] * n
    reached = [0] * len(stages)
    cost = 0.0
    for i in range(n):
        for k, stage in enumerate(stages):
            reached[k] += 1
            cost += stage[i]["cost"]
            if keeps(stage[i], thresholds[k]):
                kept_by[i], verdicts[i] = k, stage[i]["verdict"]
                break
    kept = [i for i in range(n) if kept_by[i] is not None]
    right = sum(1 for i in kept if verdicts[i] == human[i])
    alone = sum(r["cost"] for r in stages[-1])
    return {"kept_by": kept_by, "verdicts": verdicts,
            "coverage": len(kept) / n if n else None,
            "selective_agreement": right / len(kept) if kept else None,
            "agreement": right / n if n else None,
            "reach": [r / n if n else 0 for r in reached],
            "cost_usd": cost, "cost_share": cost / alone if alone > 0 else None}


def ece(items):
    if not items:
        return None
    bins = {}
    for c, correct in items:
        b = min(9, int(math.floor(c * 10)))
        bins.setdefault(b, []).append((c, correct))
    n = len(items)
    return sum(len(v) / n * abs(sum(1 for _, ok in v if ok) / len(v) - sum(c for c, _ in v) / len(v)) for v in bins.values())


def brier(items):
    return sum((c - (1 if ok else 0)) ** 2 for c, ok in items) / len(items) if items else None


def run(case):
    thresholds = fit(case["calibration"]["stages"], case["calibration"]["human"], case["alpha"], case["delta"])
    outcome = evaluate(case["evaluation"]["stages"], case["evaluation"]["human"], thresholds)
    items = [(c, bool(ok)) for c, ok in case["confidences"]]
    return {"thresholds": thresholds, "outcome": outcome, "ece": ece(items), "brier": brier(items),
            "bounds": [upper(e, n, t) for e, n, t in case.get("bounds", [])]}


if __name__ == "__main__":
    print(json.dumps([run(c) for c in json.load(sys.stdin)]))
