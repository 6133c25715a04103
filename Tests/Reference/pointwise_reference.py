#!/usr/bin/env python3
"""An independent implementation of METRICS.md section 7 (pointwise judgments), written from
the definitions, used by the test suite to check JudgeLab's PointwiseMetrics to 1e-9.

    pointwise_reference.py < CASES.json

CASES is a JSON list of {"judge_scale": [lo, hi], "human_scale": [lo, hi], "responses":
[{"score": number or null, "ratings": [numbers]}]}. Prints a JSON list of the metrics of each
case (null where section 7 says null). Only the standard library is used.
"""
import json
import math
import sys


def mean(xs):
    return sum(xs) / len(xs)


def pearson(x, y):
    if len(x) < 2:
        return None
    mx, my = mean(x), mean(y)
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / math.sqrt(sxx * syy)


def average_ranks(x):
    # The rank of a value: 1 + how many are smaller, plus half of the others equal to it.
    return [1 + sum(1 for w in x if w < v) + (sum(1 for w in x if w == v) - 1) / 2 for v in x]


def kendall_tau_b(x, y):
    p = q = tx = ty = 0
    for a in range(len(x)):
        for b in range(a + 1, len(x)):
            sx = (x[a] > x[b]) - (x[a] < x[b])
            sy = (y[a] > y[b]) - (y[a] < y[b])
            if sx == 0 and sy == 0:
                continue
            if sx == 0:
                tx += 1
            elif sy == 0:
                ty += 1
            elif sx == sy:
                p += 1
            else:
                q += 1
    d = math.sqrt((p + q + tx) * (p + q + ty))
    return (p - q) / d if d > 0 else None


def round_half_away(v):
    return int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)


def qwk(x, y, lo, hi):
    cats = list(range(lo, hi + 1))
    k = len(cats)
    if k < 2 or not x:
        return None
    clamp = lambda v: min(hi, max(lo, round_half_away(v)))
    n = len(x)
    pairs = [(clamp(a), clamp(b)) for a, b in zip(x, y)]
    num = den = 0.0
    for a in cats:
        pa = sum(1 for u, _ in pairs if u == a) / n
        for b in cats:
            pb = sum(1 for _, v in pairs if v == b) / n
            o = sum(1 for u, v in pairs if u == a and v == b) / n
            w = (a - b) ** 2 / (k - 1) ** 2
            num += w * o
            den += w * pa * pb
    return 1 - num / den if den > 0 else None


def alpha(x, y):
    if not x:
        return None
    values = x + y
    vbar = mean(values)
    spread = sum((v - vbar) ** 2 for v in values)
    if spread == 0:
        return None
    two_n = len(values)
    return 1 - (two_n - 1) * sum((a - b) ** 2 for a, b in zip(x, y)) / (two_n * spread)


def ceiling(all_ratings):
    several = [r for r in all_ratings if len(r) >= 2]
    rhos = []
    for rater in range(max([len(r) for r in several], default=0)):
        mine = [r for r in several if len(r) > rater]
        if len(mine) < 3:
            continue
        own = [r[rater] for r in mine]
        others = [(sum(r) - r[rater]) / (len(r) - 1) for r in mine]
        rho = pearson(average_ranks(own), average_ranks(others))
        if rho is not None:
            rhos.append(rho)
    return mean(rhos) if rhos else None


def metrics(case):
    jlo, jhi = case["judge_scale"]
    hlo, hhi = case["human_scale"]
    j, h = [], []
    for r in case["responses"]:
        if r["score"] is None or not r["ratings"] or jhi == jlo:
            continue
        j.append(hlo + (r["score"] - jlo) * (hhi - hlo) / (jhi - jlo))
        h.append(mean(r["ratings"]))
    errors = [abs(a - b) for a, b in zip(j, h)]
    return {
        "n_responses": len(case["responses"]),
        "pearson": pearson(j, h),
        "spearman": pearson(average_ranks(j), average_ranks(h)),
        "kendall_tau_b": kendall_tau_b(j, h),
        "mae": mean(errors) if errors else None,
        "exact_pointwise": sum(1 for e in errors if e < 0.5) / len(errors) if errors else None,
        "within_1_pointwise": sum(1 for e in errors if e <= 1) / len(errors) if errors else None,
        "qwk": qwk(j, h, round_half_away(hlo), round_half_away(hhi)),
        "krippendorff_alpha": alpha(j, h),
        "human_ceiling_spearman": ceiling([r["ratings"] for r in case["responses"]]),
    }


if __name__ == "__main__":
    print(json.dumps([metrics(c) for c in json.load(sys.stdin)]))
