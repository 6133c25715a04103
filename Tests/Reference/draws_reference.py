#!/usr/bin/env python3
"""An independent implementation of JudgeLab's seeded draws, written from their documentation
(Sampler.swift, FewShot.swift's PoolSplit, SearchSplit.swift), used by the test suite to check
which items each draw picks, not only that it is repeatable.

    draws_reference.py sample DATASET --seed S (--per-stratum N | --total N)
    draws_reference.py pool DATASET --fraction F --seed S
    draws_reference.py search DATASET --fraction F --split-seed S --test T --seed S2

DATASET is native JSONL with `winner` labels ("1", "2" or "tie"); strata are verdicts, in the
order 1, tie, 2. Prints JSON. Only the standard library is used.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics_reference import MASK, SplitMix  # noqa: E402  (the documented SplitMix64)

ORDER = {"1": 0, "tie": 1, "2": 2}


def shuffle(g, items):
    """Fisher-Yates from the last position down."""
    for i in range(len(items) - 1, 0, -1):
        j = g.below(i + 1)
        items[i], items[j] = items[j], items[i]


def mix(a, b):
    return SplitMix((a ^ ((b * 0x9E3779B97F4A7C15) & MASK)) & MASK).next()


def largest_remainder(total, sizes):
    everything = sum(sizes)
    if everything == 0:
        return [0] * len(sizes)
    counts = [total * s // everything for s in sizes]
    remainders = [total * s % everything for s in sizes]
    order = sorted(range(len(sizes)), key=lambda i: (-remainders[i], i))
    left = total - sum(counts)
    for i in order[:left]:
        counts[i] += 1
    return counts


def strata(rows, indices):
    members = {}
    for i in indices:
        members.setdefault(rows[i]["winner"], []).append(i)
    return sorted(members, key=lambda name: ORDER[name]), members


def content(row):
    """Question and both answers, trimmed, the answers in UTF-8 byte order."""
    a, b = row["answer_1"].strip(), row["answer_2"].strip()
    return (row["question"].strip(),) + tuple(sorted([a, b], key=lambda s: s.encode("utf-8")))


def sample(rows, seed, per_stratum=None, total=None):
    names, members = strata(rows, range(len(rows)))
    sizes = [len(members[n]) for n in names]
    counts = [min(per_stratum, s) for s in sizes] if per_stratum is not None else largest_remainder(min(total, sum(sizes)), sizes)
    g = SplitMix(seed)  # one generator for every stratum
    chosen = []
    for name, count in zip(names, counts):
        indices = list(members[name])
        shuffle(g, indices)
        chosen += indices[:count]
    return [rows[i]["id"] for i in sorted(chosen)]


def tied(rows, indices):
    """For each of `indices`, the smallest index tied to it: the same content, or an answer in
    common (the question and the answer, trimmed), transitively."""
    parent = {i: i for i in indices}

    def root(x):
        while parent[x] != x:
            x = parent[x]
        return x
    seen = {}
    for i in indices:
        row = rows[i]
        for answer in (row["answer_1"].strip(), row["answer_2"].strip()):
            key = (row["question"].strip(), answer)
            if key in seen:
                a, b = root(i), root(seen[key])
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                seen[key] = i
    return {i: root(i) for i in indices}


def pool(rows, fraction, seed):
    ties = tied(rows, range(len(rows)))
    owner = [ties[i] for i in range(len(rows))]
    groups = {}
    for i, o in enumerate(owner):
        groups.setdefault(o, []).append(i)
    order = list(range(len(rows)))
    shuffle(SplitMix(seed), order)
    count = max(1, int(len(rows) * fraction)) if fraction > 0 else 0
    chosen = set()
    for i in order:
        if len(chosen) >= count:
            break
        if i not in chosen:
            chosen.update(groups[owner[i]])
    return [i for i in range(len(rows)) if i in chosen], [i for i in range(len(rows)) if i not in chosen]


def search(rows, fraction, split_seed, test, seed):
    pool_indices, evaluation = pool(rows, fraction, split_seed)
    pool_content = {content(rows[i]) for i in pool_indices}
    candidates = [i for i in evaluation if content(rows[i]) not in pool_content]
    ties = tied(rows, candidates)
    copies = {}
    firsts = []
    for i in candidates:
        if ties[i] != i:
            copies.setdefault(ties[i], []).append(i)
        else:
            firsts.append(i)
    names, members = strata(rows, firsts)
    distinct = len(firsts)
    total = int(distinct * test + 0.5) if test < 1 else int(test)  # rounded half away from zero
    counts = largest_remainder(total, [len(members[n]) for n in names])
    g = SplitMix(mix(seed, 1))
    test_set, dev_order = set(), []
    for s, name in enumerate(names):
        indices = list(members[name])
        shuffle(g, indices)
        for i in indices[:counts[s]]:
            test_set.update([i] + copies.get(i, []))
        rest = indices[counts[s]:]
        for rank, i in enumerate(rest):
            for c, member in enumerate([i] + copies.get(i, [])):
                dev_order.append(((rank + 0.5) / len(rest), s, c, member))
    dev_order.sort(key=lambda t: t[:3])
    return {"pool": [rows[i]["id"] for i in pool_indices],
            "dev": [rows[t[3]]["id"] for t in dev_order],
            "test": [rows[i]["id"] for i in candidates if i in test_set]}


def main():
    args = sys.argv[1:]
    command, path = args[0], args[1]
    options = dict(zip(args[2::2], args[3::2]))
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    if command == "sample":
        per = options.get("--per-stratum")
        result = sample(rows, int(options["--seed"]), per_stratum=int(per) if per else None,
                        total=int(options["--total"]) if "--total" in options else None)
    elif command == "pool":
        chosen, rest = pool(rows, float(options["--fraction"]), int(options["--seed"]))
        result = {"pool": [rows[i]["id"] for i in chosen], "evaluation": [rows[i]["id"] for i in rest]}
    elif command == "search":
        result = search(rows, float(options["--fraction"]), int(options["--split-seed"]), float(options["--test"]), int(options["--seed"]))
    else:
        sys.exit("unknown command " + command)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
