#!/usr/bin/env python3
"""An independent implementation of METRICS.md (sections 2-6), written from the definitions,
used by the test suite to check `judgelab analyze` and `judgelab compare` to 1e-9.

    metrics_reference.py generate SEED DIR        random data set + judgments into DIR
    metrics_reference.py analyze DATASET JUDGMENTS [--tie-band LO,HI] [--bootstrap N] [--seed S]
    metrics_reference.py compare DATASET JUDGMENTS A B [--bootstrap N] [--seed S] [--alpha A]

Only the standard library is used.
"""
import json
import math
import random
import sys

sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
import pointwise_reference  # noqa: E402  (section 7, written apart)

MASK = (1 << 64) - 1


class SplitMix:
    """SplitMix64 with Lemire's bounded integers, as documented in SeededGenerator.swift."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        m = self.next() * n
        low = m & MASK
        if low < n:
            threshold = ((1 << 64) - n) % n
            while low < threshold:
                m = self.next() * n
                low = m & MASK
        return m >> 64


def quantile(xs, p):
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    if lo + 1 >= len(xs):
        return xs[-1]
    return xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


def bootstrap(values, resamples, seed):
    if not values or resamples <= 0:
        return None
    g = SplitMix(seed)
    n = len(values)
    means = []
    for _ in range(resamples):
        s = 0.0
        for _ in range(n):
            s += values[g.below(n)]
        means.append(s / n)
    means.sort()
    return [quantile(means, 0.025), quantile(means, 0.975)]


def band_verdict(s, band):
    lo, hi = band
    if s < lo:
        return "1"
    if s > hi:
        return "2"
    return "tie"


def human(item, band):
    """(verdict, sim or None) from METRICS.md section 2."""
    if "scores" in item:
        s1, s2 = item["scores"]
        d = s2 - s1
        scale = item.get("scale_max", 10) - item.get("scale_min", 0)
        return ("1" if d < 0 else "2" if d > 0 else "tie"), 5 + 4 * d / scale
    if "human_score" in item:
        h = item["human_score"]
        return band_verdict(h, band), h
    if "votes" in item:
        votes = item["votes"]
        for label in ("1", "tie", "2"):
            if votes.count(label) * 2 > len(votes):
                return label, None
        return "tie", None
    return item["winner"], None


def rate(a, b):
    return a / b if b else None


def read_judgment(j):
    """(kind, raw or None): kind 'score' or 'choice'; raw None when it did not parse."""
    if "score" in j:
        return "score", j["score"]
    return "choice", j["choice"]


def normalised_verdict(j, band):
    kind, raw = read_judgment(j)
    if raw is None:
        return None
    if kind == "score":
        return band_verdict(raw if j["order"] == "original" else 10 - raw, band)
    if raw == "tie":
        return "tie"
    first = raw == "first"
    if j["order"] == "original":
        return "1" if first else "2"
    return "2" if first else "1"


def combine(js, band):
    """(verdict, score) of an item from its 1 or 2 judgments, METRICS.md section 3."""
    parsed = [j for j in js if read_judgment(j)[1] is not None]
    def norm_score(j):
        kind, raw = read_judgment(j)
        if kind != "score":
            return None
        return raw if j["order"] == "original" else 10 - raw
    if len(parsed) == 2:
        sa, sb = norm_score(parsed[0]), norm_score(parsed[1])
        if sa is not None and sb is not None:
            mean = (sa + sb) / 2
            return band_verdict(mean, band), mean
        va, vb = normalised_verdict(parsed[0], band), normalised_verdict(parsed[1], band)
        return (va if va == vb else "tie"), None
    if len(parsed) == 1:
        return normalised_verdict(parsed[0], band), norm_score(parsed[0])
    return None, None


POINTWISE_KEYS = ["n_responses", "pearson", "spearman", "kendall_tau_b", "mae", "exact_pointwise", "within_1_pointwise",
                  "qwk", "krippendorff_alpha", "human_ceiling_spearman"]


def pointwise_verdict(js):
    """Section 7: d = j2 - j1 with the band b = 0; no verdict unless both answers' scores parsed."""
    one = next((j for j in js if j["answer"] == "1"), None)
    two = next((j for j in js if j["answer"] == "2"), None)
    if one is None or two is None or one.get("score") is None or two.get("score") is None:
        return None
    d = two["score"] - one["score"]
    return "1" if d < 0 else ("2" if d > 0 else "tie")


def distinct_answers(rows):
    """Each distinct (question, answer text) once, the first in data set order, answer 1 before 2,
    with its raters' ratings (its `ratings`, or its one `scores` entry, or none)."""
    seen, out = set(), []
    for r in rows:
        for answer in ("1", "2"):
            for j in r["js"]:
                if j["answer"] != answer:
                    continue
                key = (r["raw"]["question"], r["raw"]["answer_" + answer])
                if key in seen:
                    continue
                seen.add(key)
                k = int(answer) - 1
                if "ratings" in r["raw"]:
                    ratings = r["raw"]["ratings"][k]
                elif "scores" in r["raw"]:
                    ratings = [r["raw"]["scores"][k]]
                else:
                    ratings = []
                out.append((j, ratings))
    return out


def fold_samples(judgments, band):
    """Section 8: a sampled variant's samples of each (item, order) as one judgment: the mean of
    the parsed scores, or the normalised verdict more than half of the parsed samples carry (else
    tie), shown back in the presented order; costs summed."""
    groups = {}
    for j in judgments:
        groups.setdefault((j["item"], j["order"]), []).append(j)
    folded = []
    for (item, order), samples in groups.items():
        j = {"item": item, "variant": samples[0]["variant"], "order": order}
        kind = read_judgment(samples[0])[0]
        parsed = [x for x in samples if read_judgment(x)[1] is not None]
        if not parsed:
            j[kind] = None
        elif kind == "score":
            j["score"] = sum(x["score"] for x in parsed) / len(parsed)
        else:
            labels = [normalised_verdict(x, band) for x in parsed]
            winner = next((v for v in ("1", "2", "tie") if 2 * labels.count(v) > len(labels)), "tie")
            if winner == "tie":
                j["choice"] = "tie"
            else:
                first = (winner == "1") == (order == "original")
                j["choice"] = "first" if first else "second"
        costs = [x["cost_usd"] for x in samples if x.get("cost_usd") is not None]
        if costs:
            j["cost_usd"] = sum(costs)
        folded.append(j)
    return folded, groups


def variant_metrics(items, judgments, band, resamples, seed, judge_scale=None):
    """items: list of (id, human verdict, sim) in data set order; judgments: this variant's."""
    groups = None
    if judgments and "sample" in judgments[0]:
        judgments, groups = fold_samples(judgments, band)
    by_item = {}
    for j in judgments:
        by_item.setdefault(j["item"], []).append(j)
    sampled = [it for it in items if it[0] in by_item]
    n = len(sampled)
    pointwise = any("answer" in j for j in judgments)
    rows = []
    for (iid, hv, sim, raw) in sampled:
        js = by_item[iid]
        if pointwise:
            v, s = pointwise_verdict(js), None
        else:
            v, s = combine(js, band)
        rows.append(dict(id=iid, human=hv, sim=sim, verdict=v, score=s, js=js, raw=raw))
    distinct = distinct_answers(rows) if pointwise else []
    # A pointwise variant's judgments are counted (and paid) once a distinct answer.
    all_js = [j for j, _ in distinct] if pointwise else [j for it in sampled for j in by_item[it[0]]]
    failures = sum(1 for j in all_js if read_judgment(j)[1] is None)
    both = not pointwise and all(len(by_item[it[0]]) == 2 for it in sampled) and n > 0
    m = {"n_items": n, "n_judgments": len(all_js), "parse_failures": failures,
         "parse_failure_rate": rate(failures, len(all_js))}
    m["agreement"] = rate(sum(1 for r in rows if r["verdict"] == r["human"]), n)
    m["agreement_ci"] = bootstrap([1.0 if r["verdict"] == r["human"] else 0.0 for r in rows], resamples, seed)
    if both:
        def order_agree(order):
            c = 0
            for r in rows:
                j = [x for x in r["js"] if x["order"] == order][0]
                c += normalised_verdict(j, band) == r["human"]
            return rate(c, n)
        m["agreement_original"] = order_agree("original")
        m["agreement_swapped"] = order_agree("swapped")
        pairs = [r for r in rows if all(read_judgment(x)[1] is not None for x in r["js"])]
        m["position_consistency"] = rate(
            sum(1 for r in pairs if normalised_verdict(r["js"][0], band) == normalised_verdict(r["js"][1], band)), len(pairs))
    else:
        m["agreement_original"] = m["agreement_swapped"] = m["position_consistency"] = None
    dec = [r for r in rows if r["human"] != "tie" and r["verdict"] not in (None, "tie")]
    m["agreement_decisive"] = rate(sum(1 for r in dec if r["verdict"] == r["human"]), len(dec))
    scores_only = not pointwise and all(read_judgment(j)[0] == "score" for j in all_js) and len(all_js) > 0
    if scores_only and n > 0 and all(r["sim"] is not None for r in rows):
        def rnd(x):
            return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)
        m["exact"] = rate(sum(1 for r in rows if r["score"] is not None and abs(r["score"] - rnd(r["sim"])) < 0.5), n)
        m["within_1"] = rate(sum(1 for r in rows if r["score"] is not None and abs(r["score"] - rnd(r["sim"])) <= 1), n)
    else:
        m["exact"] = m["within_1"] = None
    with_v = [r for r in rows if r["verdict"] is not None]
    if with_v:
        k = len(with_v)
        po = sum(1 for r in with_v if r["verdict"] == r["human"]) / k
        pe = sum((sum(1 for r in with_v if r["human"] == c) / k) * (sum(1 for r in with_v if r["verdict"] == c) / k)
                 for c in ("1", "tie", "2"))
        m["kappa"] = None if pe == 1 else (po - pe) / (1 - pe)
    else:
        m["kappa"] = None
    m["tie_rate"] = rate(sum(1 for r in with_v if r["verdict"] == "tie"), len(with_v))
    m["human_tie_rate"] = rate(sum(1 for r in rows if r["human"] == "tie"), n)
    ties = [r for r in rows if r["human"] == "tie"]
    m["tie_recall"] = rate(sum(1 for r in ties if r["verdict"] == "tie"), len(ties))
    first = decisive = 0
    for j in ([] if pointwise else all_js):
        kind, raw = read_judgment(j)
        if raw is None:
            continue
        own = band_verdict(raw, band) if kind == "score" else {"first": "1", "second": "2", "tie": "tie"}[raw]
        if own != "tie":
            decisive += 1
            first += own == "1"
    m["first_position_rate"] = rate(first, decisive)
    # consistent_agreement: order `both` only; both parsed, equal, and equal to the human.
    if both:
        m["consistent_agreement"] = rate(sum(1 for r in rows
                                             if all(read_judgment(x)[1] is not None for x in r["js"])
                                             and normalised_verdict(r["js"][0], band) == normalised_verdict(r["js"][1], band) == r["human"]), n)
    else:
        m["consistent_agreement"] = None
    # Length preference: answers of different length (code points), a decisive verdict.
    def longer(r):
        a, b = len(r["raw"]["answer_1"]), len(r["raw"]["answer_2"])
        return None if a == b else ("1" if a > b else "2")
    judged = [r for r in rows if longer(r) is not None and r["verdict"] in ("1", "2")]
    m["longer_preference_rate"] = rate(sum(1 for r in judged if r["verdict"] == longer(r)), len(judged))
    told = [r for r in rows if longer(r) is not None and r["human"] in ("1", "2")]
    m["human_longer_preference_rate"] = rate(sum(1 for r in told if r["human"] == longer(r)), len(told))
    # The human ceiling and the judge scored the same way: each vote against the others' verdict.
    def majority(votes):
        for label in ("1", "tie", "2"):
            if votes.count(label) * 2 > len(votes):
                return label
        return "tie"
    ceiling_hits = judge_hits = total_votes = 0
    for r in rows:
        votes = r["raw"].get("votes")
        if not votes or len(votes) < 3:
            continue
        for i, vote in enumerate(votes):
            others = majority(votes[:i] + votes[i + 1:])
            total_votes += 1
            ceiling_hits += vote == others
            judge_hits += r["verdict"] is not None and r["verdict"] == others
    m["human_ceiling"] = rate(ceiling_hits, total_votes)
    m["agreement_loo"] = rate(judge_hits, total_votes)
    costs = [j["cost_usd"] for j in all_js if j.get("cost_usd") is not None]
    if costs:
        m["cost_usd"] = sum(costs)
        m["cost_per_1k"] = sum(costs) / len(all_js) * 1000
    else:
        m["cost_usd"] = m["cost_per_1k"] = None
    # Section 9: an item's confidence is the probability of its combined verdict, the mean over
    # its judgments that carry probabilities of those normalising to that verdict.
    def token_verdict(token, j):
        if token in ("A", "B", "tie"):
            raw = {"A": "first", "B": "second", "tie": "tie"}[token]
            return normalised_verdict({"choice": raw, "order": j["order"]}, band)
        return normalised_verdict({"score": float(token), "order": j["order"]}, band)
    # Section 8, over the raw samples.
    vote = {}
    for key in ("flip_rate", "self_agreement", "vote_confidence", "n_samples", "sample_parse_failures"):
        m[key] = None
    if groups is not None:
        verdict_of = {r["id"]: r["verdict"] for r in rows}
        flips, counted, pair_share = 0, 0, 0.0
        pooled = {}
        total, unparsed = 0, 0
        for (item, order), samples in groups.items():
            total += len(samples)
            vs = [normalised_verdict(x, band) for x in samples]
            vs = [v for v in vs if v is not None]
            unparsed += len(samples) - len(vs)
            if len(vs) >= 2:
                counted += 1
                flips += len(set(vs)) > 1
                pairs = [(a, b) for i, a in enumerate(vs) for b in vs[i + 1:]]
                pair_share += sum(1 for a, b in pairs if a == b) / len(pairs)
            if verdict_of.get(item) is not None:
                agree, parsed = pooled.get(item, (0, 0))
                pooled[item] = (agree + sum(1 for v in vs if v == verdict_of[item]), parsed + len(vs))
        vote = {item: a / p for item, (a, p) in pooled.items() if p > 0}
        m["flip_rate"] = flips / counted if counted else None
        m["self_agreement"] = pair_share / counted if counted else None
        m["vote_confidence"] = sum(vote.values()) / len(vote) if vote else None
        m["n_samples"] = total
        m["sample_parse_failures"] = unparsed
    calibration = []
    if vote:
        for row in rows:
            if row["verdict"] is not None and row["id"] in vote:
                calibration.append((vote[row["id"]], row["verdict"] == row["human"]))
    elif not pointwise:
        for row in rows:
            carried = [j for j in row["js"] if "probabilities" in j]
            if row["verdict"] is None or not carried:
                continue
            c = sum(sum(p for t, p in j["probabilities"].items() if token_verdict(t, j) == row["verdict"]) for j in carried) / len(carried)
            calibration.append((c, row["verdict"] == row["human"]))
    if calibration:
        bins = {}
        for c, ok in calibration:
            bins.setdefault(min(9, int(math.floor(c * 10))), []).append((c, ok))
        total = len(calibration)
        m["ece"] = sum(len(b) / total * abs(sum(ok for _, ok in b) / len(b) - sum(c for c, _ in b) / len(b)) for b in bins.values())
        m["brier"] = sum((c - (1.0 if ok else 0.0)) ** 2 for c, ok in calibration) / total
    else:
        m["ece"] = m["brier"] = None
    for key in POINTWISE_KEYS:
        m[key] = None
    if pointwise:
        human_scale = next(((r["raw"].get("scale_min", 0), r["raw"].get("scale_max", 10)) for r in rows if "scores" in r["raw"]), None)
        responses = [{"score": j.get("score"), "ratings": ratings if human_scale else []} for j, ratings in distinct]
        case = {"judge_scale": judge_scale or human_scale or (0, 1), "human_scale": human_scale or (0, 1), "responses": responses}
        m.update(pointwise_reference.metrics(case))
    return m, rows


def load(dataset_path, judgments_path, band):
    items = []
    for line in open(dataset_path, encoding="utf-8"):
        if line.strip():
            it = json.loads(line)
            v, sim = human(it, band)
            items.append((it["id"], v, sim, it))
    judgments = [json.loads(l) for l in open(judgments_path, encoding="utf-8") if l.strip()]
    return items, judgments


def analyze(dataset_path, judgments_path, band, resamples, seed, judge_scale=None):
    items, judgments = load(dataset_path, judgments_path, band)
    variants = []
    for j in judgments:
        if j["variant"] not in variants:
            variants.append(j["variant"])
    out = []
    for v in variants:
        m, _ = variant_metrics(items, [j for j in judgments if j["variant"] == v], band, resamples, seed, judge_scale)
        m["variant"] = v
        out.append(m)

    def key(m):
        gap = abs(m["tie_rate"] - m["human_tie_rate"]) if m["tie_rate"] is not None and m["human_tie_rate"] is not None else None
        return (-m["agreement"] if m["agreement"] is not None else math.inf,
                gap if gap is not None else math.inf,
                m["cost_per_1k"] if m["cost_per_1k"] is not None else math.inf,
                m["variant"])
    ranking = [m["variant"] for m in sorted(out, key=key)]
    pareto = [v["variant"] for v in out if not any(
        w["cost_per_1k"] is not None and v["cost_per_1k"] is not None
        and w["agreement"] > v["agreement"] and w["cost_per_1k"] < v["cost_per_1k"] for w in out)]
    return {"variants": out, "ranking": ranking, "pareto": sorted(pareto, key=ranking.index)}


def compare(dataset_path, judgments_path, a, b, resamples, seed, alpha):
    band = (5, 5)
    items, judgments = load(dataset_path, judgments_path, band)
    _, ra = variant_metrics(items, [j for j in judgments if j["variant"] == a], band, 0, seed)
    _, rb = variant_metrics(items, [j for j in judgments if j["variant"] == b], band, 0, seed)
    rb_by = {r["id"]: r for r in rb}
    paired = [(r["verdict"] == r["human"], rb_by[r["id"]]["verdict"] == rb_by[r["id"]]["human"]) for r in ra if r["id"] in rb_by]
    n = len(paired)
    agree_a = sum(x for x, _ in paired) / n
    agree_b = sum(y for _, y in paired) / n
    bb = sum(1 for x, y in paired if x and not y)
    cc = sum(1 for x, y in paired if y and not x)
    if bb + cc == 0:
        p = 1.0
    else:
        total = sum(math.comb(bb + cc, k) for k in range(min(bb, cc) + 1))
        p = min(1.0, 2 * total / 2 ** (bb + cc))
    return {"n_items": n, "agreement_a": agree_a, "agreement_b": agree_b, "delta": agree_a - agree_b,
            "delta_ci": bootstrap([float(x) - float(y) for x, y in paired], resamples, seed),
            "a_only": bb, "b_only": cc, "p": p, "a_beats_b": p < alpha and agree_a - agree_b > 0}


def generate(seed, directory):
    """A random data set and judgments covering every label form, both output kinds, every
    order policy, parse failures and missing costs."""
    r = random.Random(seed)
    n = r.randint(5, 60)
    items = []
    # Every third seed: per-answer scores on one scale, some with several raters, and pointwise
    # variants beside the pairwise ones (section 7), answers shared between items.
    pointwise = seed % 3 == 0
    one_scale = r.choice([(0, 10), (0, 5), (1, 5)])
    for i in range(n):
        it = {"id": f"i{i}", "question": "q%d" % (i % 4) if pointwise else "q", "answer_1": "a" * r.randint(1, 4), "answer_2": "é" * r.randint(1, 4)}
        form = r.choice(["scores", "votes", "winner", "human_score"]) if seed % 3 else "scores"
        if form == "scores":
            low, scale = one_scale if pointwise else r.choice([(0, 10), (0, 10), (0, 5), (1, 5)])
            it["scores"] = [r.randint(low, scale), r.randint(low, scale)] if r.random() < 0.8 else [r.uniform(low, scale), r.uniform(low, scale)]
            if pointwise and r.random() < 0.6:
                it["ratings"] = [[r.randint(low, scale) for _ in range(r.randint(1, 3))] for _ in range(2)]
                it["scores"] = [sum(x) / len(x) for x in it["ratings"]]
            if scale != 10:
                it["scale_max"] = scale
            if low != 0:
                it["scale_min"] = low
        elif form == "votes":
            it["votes"] = [r.choice(["1", "2", "tie"]) for _ in range(r.randint(1, 5))]
        elif form == "winner":
            it["winner"] = r.choice(["1", "2", "tie"])
        else:
            it["human_score"] = r.choice([r.randint(1, 9), r.uniform(1, 9)])
        if r.random() < 0.5:
            it["category"] = r.choice(["x", "y"])
        items.append(it)
    judgments = []
    for v in range(r.randint(2, 5)):
        kind = r.choice(["score", "choice"])
        policy = r.choice(["original", "swapped", "both", "both", "mixed"])
        costed = r.random() < 0.6
        fail = r.choice([0, 0.05, 0.3])
        logprobs = r.random() < 0.35  # verdicts with their tokens' probabilities (section 9)
        for it in items:
            if r.random() < 0.15:
                continue  # not sampled for this variant
            orders = {"original": ["original"], "swapped": ["swapped"], "both": ["original", "swapped"],
                      "mixed": r.choice([["original"], ["swapped"], ["original", "swapped"]])}[policy]
            for order in orders:
                j = {"item": it["id"], "variant": f"v{v}-{kind}-{policy}", "order": order}
                if kind == "score":
                    j["score"] = None if r.random() < fail else r.randint(1, 9)
                else:
                    j["choice"] = None if r.random() < fail else r.choice(["first", "second", "tie"])
                if logprobs and read_judgment(j)[1] is not None:
                    tokens = [str(k) for k in range(1, 10)] if kind == "score" else ["A", "B", "tie"]
                    weights = [r.random() ** 3 for _ in tokens]
                    j["probabilities"] = {t: w / sum(weights) for t, w in zip(tokens, weights)}
                if costed and r.random() < 0.9:
                    j["cost_usd"] = round(r.uniform(0, 0.01), 6)
                judgments.append(j)
    # Section 8: a variant judged k times an item and order, each sample numbered.
    if r.random() < 0.6:
        kind = r.choice(["score", "choice"])
        policy = r.choice(["original", "both"])
        k = r.randint(2, 4)
        costed, fail = r.random() < 0.6, r.choice([0, 0.1, 0.3])
        for it in items:
            if r.random() < 0.15:
                continue
            for order in (["original", "swapped"] if policy == "both" else ["original"]):
                for sample in range(k):
                    j = {"item": it["id"], "variant": f"s{k}-{kind}-{policy}", "order": order, "sample": sample}
                    if kind == "score":
                        j["score"] = None if r.random() < fail else r.randint(1, 9)
                    else:
                        j["choice"] = None if r.random() < fail else r.choice(["first", "second", "tie"])
                    if costed and r.random() < 0.9:
                        j["cost_usd"] = round(r.uniform(0, 0.01), 6)
                    judgments.append(j)
    if pointwise:
        for v in range(r.randint(1, 3)):
            costed, fail = r.random() < 0.6, r.choice([0, 0.1, 0.3])
            given = {}  # one judgment (score, cost) per distinct answer, as a run gives
            for it in items:
                if r.random() < 0.15:
                    continue
                for answer in ("1", "2"):
                    key = (it["question"], it["answer_" + answer])
                    if key not in given:
                        given[key] = (None if r.random() < fail else r.randint(1, 10),
                                      round(r.uniform(0, 0.01), 6) if costed and r.random() < 0.9 else None)
                    score, cost = given[key]
                    j = {"item": it["id"], "variant": f"p{v}-pointwise", "answer": answer, "score": score}
                    if cost is not None:
                        j["cost_usd"] = cost
                    judgments.append(j)
    with open(f"{directory}/dataset.jsonl", "w") as f:
        for it in items:
            f.write(json.dumps(it) + "\n")
    with open(f"{directory}/judgments.jsonl", "w") as f:
        for j in judgments:
            f.write(json.dumps(j) + "\n")


def main(argv):
    opts = {"--tie-band": "5,5", "--bootstrap": "2000", "--seed": "1", "--alpha": "0.05", "--judge-scale": ""}
    args = []
    i = 0
    while i < len(argv):
        if argv[i] in opts:
            opts[argv[i]] = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    band = tuple(float(x) for x in opts["--tie-band"].split(","))
    if args[0] == "generate":
        generate(int(args[1]), args[2])
    elif args[0] == "analyze":
        scale = tuple(float(x) for x in opts["--judge-scale"].split(",")) if opts["--judge-scale"] else None
        print(json.dumps(analyze(args[1], args[2], band, int(opts["--bootstrap"]), int(opts["--seed"]), scale)))
    elif args[0] == "compare":
        print(json.dumps(compare(args[1], args[2], args[3], args[4], int(opts["--bootstrap"]), int(opts["--seed"]), float(opts["--alpha"]))))


if __name__ == "__main__":
    main(sys.argv[1:])
