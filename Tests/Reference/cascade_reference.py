#!/usr/bin/env python3
"""An independent implementation of METRICS.md sections 9 (calibration) and 10 (cascades), written
from the definitions, used by the test suite to check JudgeLab's Calibration and Cascade.

    cascade_reference.py < CASES.json
    cascade_reference.py --run RUN_FOLDER


CASES is a JSON list; each case is {"alpha", "delta", "calibration": {"stages": [[reading...]...],
"human": [verdict...]}, "evaluation": {"stages": ..., "human": ...}, "confidences": [[c, correct]...]}
with a reading {"verdict": "1" | "2" | "tie" | null, "confidence": number | null, "cost": number}.
Prints a JSON list: each case's thresholds (null for a stage that keeps nothing), its outcome on
the evaluation items, and ece and brier of its confidences. The Clopper-Pearson bound is found
here from the binomial distribution itself (P(X <= e) = delta / m, by bisection), not from the
beta function. Only the standard library is used.

With --run, a run folder's study.json (its cascades, juries, sample and calibration items),
dataset.jsonl and judgments.jsonl: each cascade's thresholds and figures from the judgments
(sections 2, 3 and 10: an item's confidence is whether its two orders' normalised verdicts are
equal), and each jury's verdicts recomputed from its members' judgments (a choice more than half
of the parsed members give, else tie; a mean of scores).
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


def human_verdict(pair):
    if "winner" in pair:
        return pair["winner"]
    if "votes" in pair:
        votes = pair["votes"]
        for label in ("1", "2", "tie"):
            if 2 * votes.count(label) > len(votes):
                return label
        return "tie"
    if "scores" in pair:
        d = pair["scores"][1] - pair["scores"][0]
        return "1" if d < 0 else "2" if d > 0 else "tie"
    h = pair["human_score"]
    return "1" if h < 5 else "2" if h > 5 else "tie"


def normalised(j):
    """(kind, value) in data set order; None when unparsed."""
    if j.get("score") is not None:
        return ("score", j["score"] if j["order"] == "original" else 10 - j["score"])
    c = j.get("choice")
    if c is None:
        return None
    if c == "tie":
        return ("choice", "tie")
    first = c == "first"
    if j["order"] == "swapped":
        first = not first
    return ("choice", "1" if first else "2")


def band(score):
    return "1" if score < 5 else "2" if score > 5 else "tie"


def verdict_of(reading):
    return band(reading[1]) if reading[0] == "score" else reading[1]


def reading_of(judgments):
    """An item's (verdict, confidence, cost) for one variant, from its judgments by order."""
    cost = sum(j.get("cost_usd") or 0 for j in judgments.values())
    parsed = {o: normalised(j) for o, j in judgments.items()}
    parsed = {o: r for o, r in parsed.items() if r is not None}
    if not parsed:
        return {"verdict": None, "confidence": None, "cost": cost}
    if len(parsed) == 2:
        a, b = parsed["original"], parsed["swapped"]
        if a[0] == "score":
            verdict = band((a[1] + b[1]) / 2)
        else:
            verdict = a[1] if a[1] == b[1] else "tie"
        confidence = 1 if verdict_of(a) == verdict_of(b) else 0
    else:
        verdict = verdict_of(next(iter(parsed.values())))
        confidence = 0 if len(judgments) == 2 else None
    return {"verdict": verdict, "confidence": confidence, "cost": cost}


def run_folder(folder):
    study = json.load(open(folder + "/study.json"))
    pairs = {}
    for line in open(folder + "/dataset.jsonl"):
        if line.strip():
            pair = json.loads(line)
            pairs[pair["id"]] = pair
    judged = {}
    for line in open(folder + "/judgments.jsonl"):
        if line.strip():
            j = json.loads(line)
            judged.setdefault(j["variant"], {}).setdefault(j["item"], {})[j["order"]] = j
    juries = {}
    for jury in study.get("juries") or []:
        verdicts = {}
        for item in pairs:
            for order in ("original", "swapped"):
                panel = [judged[m][item][order] for m in jury["members"] if order in judged.get(m, {}).get(item, {})]
                if not panel:
                    continue
                readings = [normalised(j) for j in panel]
                readings = [r for r in readings if r is not None]
                if not readings:
                    verdicts[item + "/" + order] = None
                elif readings[0][0] == "score":
                    raw = sum(r[1] for r in readings) / len(readings)
                    verdicts[item + "/" + order] = ["score", raw if order == "original" else 10 - raw]
                else:
                    labels = [r[1] for r in readings]
                    majority = [v for v in ("1", "2", "tie") if 2 * labels.count(v) > len(labels)]
                    verdicts[item + "/" + order] = ["choice", majority[0] if majority else "tie"]
        juries[jury["name"]] = verdicts
    sampled = study["sample"]["items"]
    calibration = set(study.get("calibration_items") or [])
    cal = [i for i in sampled if i in calibration]
    ev = [i for i in sampled if i not in calibration]
    cascades = []
    for spec in study.get("cascades") or []:
        def readings(items):
            return [[reading_of(judged.get(stage, {}).get(i, {})) for i in items] for stage in spec["stages"]]
        if spec.get("thresholds") is not None:
            thresholds = spec["thresholds"]
        else:
            thresholds = fit(readings(cal), [human_verdict(pairs[i]) for i in cal], spec["alpha"], spec["delta"])
        outcome = evaluate(readings(ev), [human_verdict(pairs[i]) for i in ev], thresholds)
        cascades.append({"name": spec["name"], "thresholds": thresholds, **outcome})
    return {"cascades": cascades, "juries": juries}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        print(json.dumps(run_folder(sys.argv[2])))
    else:
        print(json.dumps([run(c) for c in json.load(sys.stdin)]))
