#!/usr/bin/env python3
"""A peer: FastChat's MT-Bench pairwise judge, driven as its `gen_judgment.py` drives it:
`play_a_match_pair` for each match in a thread pool of CONCURRENCY threads, each match judged
in both orders (two calls in sequence).

    OPENAI_API_BASE=http://127.0.0.1:PORT/v1 OPENAI_API_KEY=x peer_fastchat.py CONCURRENCY ITEMS.jsonl OUT.jsonl

Needs fschat 0.2.36 with openai 0.28 (see Benchmarks/README.md). The judge prompt is a pairwise
one of the same shape as FastChat's `pair-v2` (its text is not in the wheel): a system prompt
that asks for "[[A]]", "[[B]]" or "[[C]]", and a template with {question}, {answer_a} and
{answer_b}. Prints {"n", "wall", "cpu", "errors"} for the judging phase only.
"""
import json
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from fastchat.llm_judge.common import Judge, MatchPair, play_a_match_pair


def cpu_seconds():
    """User + system CPU of this process and its finished children."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


concurrency, path, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
items = [json.loads(line) for line in open(path)]
prompt = {
    "name": "pair-bench", "type": "pairwise", "category": "general", "output_format": "[[A]]",
    "system_prompt": "Judge which assistant answered the user's question better. After a short explanation, give your "
                     "verdict in this format: \"[[A]]\" if assistant A is better, \"[[B]]\" if assistant B is better, "
                     "and \"[[C]]\" for a tie.",
    "prompt_template": "[User Question]\n{question}\n\n[The Start of Assistant A's Answer]\n{answer_a}\n"
                       "[The End of Assistant A's Answer]\n\n[The Start of Assistant B's Answer]\n{answer_b}\n"
                       "[The End of Assistant B's Answer]",
}
judge = Judge("gpt-4", prompt)
matches = [MatchPair(question={"question_id": n, "turns": [i["question"]]}, model_1="one", model_2="two",
                     answer_1={"choices": [{"turns": [i["answer_1"]]}]}, answer_2={"choices": [{"turns": [i["answer_2"]]}]},
                     judge=judge) for n, i in enumerate(items)]
cpu0 = cpu_seconds()
t0 = time.perf_counter()
with ThreadPoolExecutor(concurrency) as pool:
    results = list(pool.map(lambda m: play_a_match_pair(m, output_file=out), matches))
wall = time.perf_counter() - t0
cpu = cpu_seconds() - cpu0
errors = sum((r["g1_winner"] == "error") + (r["g2_winner"] == "error") for r in results)
print(json.dumps({"n": 2 * len(results), "wall": wall, "cpu": cpu, "errors": errors}), file=sys.__stderr__)
