#!/usr/bin/env python3
"""A peer: a plain asyncio loop over the official openai SDK (AsyncOpenAI and a semaphore).

    peer_openai.py PORT CONCURRENCY ITEMS.jsonl

Judges each item once per order. Prints {"n", "wall", "cpu"} for the judging phase only.
"""
import asyncio
import json
import resource
import sys
import time

from openai import AsyncOpenAI


def cpu_seconds():
    """User + system CPU of this process and its finished children."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


port, concurrency, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
items = [json.loads(line) for line in open(path)]
client = AsyncOpenAI(base_url="http://127.0.0.1:%d/v1" % port, api_key="x", max_retries=0, timeout=60)
PROMPT = "Which answer is better? Reply A, B or tie.\n\nQuestion: %s\n\nAnswer A: %s\n\nAnswer B: %s"


async def main():
    gate = asyncio.Semaphore(concurrency)

    async def one(question, first, second):
        async with gate:
            r = await client.chat.completions.create(model="gpt-4o-mini", temperature=0, max_tokens=10,
                                                     messages=[{"role": "user", "content": PROMPT % (question, first, second)}])
            return r.choices[0].message.content

    jobs = [one(i["question"], i["answer_1"], i["answer_2"]) for i in items] + [one(i["question"], i["answer_2"], i["answer_1"]) for i in items]
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    answers = await asyncio.gather(*jobs)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    print(json.dumps({"n": len(answers), "wall": wall, "cpu": cpu}))


asyncio.run(main())
