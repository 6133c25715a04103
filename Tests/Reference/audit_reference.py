#!/usr/bin/env python3
"""An independent implementation of `judgelab audit`'s estimate (Sources/JudgeLab/Labels/Audit.swift
states the formula), for the test suite to compare with on random cases. Reads one JSON case on
standard input: {"exported": [[id, verdict], ...], "reviewed": [[id, verdict, random], ...]};
writes {"accuracy", "interval", "share_answer_1", "corrected_share_answer_1"}.
"""
import json
import math
import sys


def estimate(exported, reviewed):
    ai = {i: v for i, v in exported}
    n = len(exported)
    targeted = {i: v for i, v, r in reviewed if i in ai and not r}
    randoms = [(i, v) for i, v, r in reviewed if i in ai and r]
    share = sum(1 for _, v in exported if v == "1") / n if n else None
    if n == 0:
        return None, None, share, None
    total_right = sum(1 for i, v in targeted.items() if ai[i] == v)
    variance = 0.0
    for stratum in ("1", "2"):
        members = [i for i, v in exported if v == stratum and i not in targeted]
        if not members:
            continue
        checks = [(i, v) for i, v in randoms if ai[i] == stratum]
        if not checks:
            return None, None, share, None
        right = sum(1 for i, v in checks if v == stratum)
        size, k = len(members), len(checks)
        total_right += size * right / k
        p = (right + 2) / (k + 4)
        variance += (size / n) ** 2 * p * (1 - p) / k * max(0.0, 1 - k / size)
    a = total_right / n
    half = 1.96 * math.sqrt(variance)
    corrected = None
    if a > 0.5:
        corrected = min(1.0, max(0.0, (share - (1 - a)) / (2 * a - 1)))
    return a, [max(0.0, a - half), min(1.0, a + half)], share, corrected


case = json.load(sys.stdin)
a, interval, share, corrected = estimate([tuple(x) for x in case["exported"]], [tuple(x) for x in case["reviewed"]])
print(json.dumps({"accuracy": a, "interval": interval, "share_answer_1": share, "corrected_share_answer_1": corrected}))
