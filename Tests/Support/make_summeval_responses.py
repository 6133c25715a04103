#!/usr/bin/env python3
"""Writes Sources/JudgeLab/Resources/Samples/summeval-responses.jsonl: SummEval summaries as
response items (METRICS.md section 7), one line per summary and criterion, each with its three
experts' ratings (1..5) on coherence, consistency, fluency or relevance; a group is an article.

The ten shortest articles (those of summeval-pairs.jsonl), six of their twelve summaries each:
the systems ranked by the experts' mean relevance, every other one from the best down, so that
each article's summaries span its range; listed by system. Deterministic; run it again to rebuild the file.

    python3 Tests/Support/make_summeval_responses.py [../shared/data/summeval]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_summeval_sample  # noqa: E402  (the same ten articles, read the same way)
ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "summeval")
OUT = os.path.join(ROOT, "Sources", "JudgeLab", "Resources", "Samples", "summeval-responses.jsonl")
CRITERIA = ["coherence", "consistency", "fluency", "relevance"]


def mean(record, criterion):
    scores = [a[criterion] for a in record["expert_annotations"]]
    return sum(scores) / len(scores)


def main():
    articles, shortest = make_summeval_sample.shortest_articles()
    lines = []
    for article in shortest:
        ranked = sorted(articles[article], key=lambda r: (-mean(r, "relevance"), r["model_id"]))
        chosen, seen = [], set()
        for record in ranked[::2] + ranked[1::2]:
            # Two systems can write the same summary: keep one, so that no two responses of a
            # group are the same text.
            if record["decoded"].strip() in seen:
                continue
            seen.add(record["decoded"].strip())
            chosen.append(record)
            if len(chosen) == 6:
                break
        chosen.sort(key=lambda r: r["model_id"])  # listed by system, not by score
        slug = article.split("-")[-1][:10]
        for criterion in CRITERIA:
            for record in chosen:
                lines.append({
                    "id": "summeval-%s-%s" % (slug, record["model_id"]),
                    "question": "Summarise this news article in a few sentences.\n\n" + record["text"].strip(),
                    "answer": record["decoded"].strip(),
                    "ratings": [a[criterion] for a in record["expert_annotations"]],
                    "scale_min": 1,
                    "scale_max": 5,
                    "group": "summeval-" + slug,
                    "criterion": criterion,
                })
    with open(OUT, "w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print("wrote %d response lines (%d summaries x %d criteria) to %s" % (len(lines), len(lines) // len(CRITERIA), len(CRITERIA), OUT))


if __name__ == "__main__":
    main()
