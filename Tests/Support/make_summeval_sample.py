#!/usr/bin/env python3
"""Writes Sources/JudgeLab/Resources/Samples/summeval-pairs.jsonl: pairs of two systems' summaries
of one CNN/DailyMail article from SummEval (../shared/data/summeval), each summary's human score its
three experts' mean relevance (1..5, METRICS.md `scores` with scale_min 1, scale_max 5).

The ten shortest articles, three pairs each: the best against the worst summary, two summaries
the experts scored equally (a human tie) where the article has such a pair, and the upper
quartile's against the lower quartile's. Deterministic; run it again to rebuild the file.

    python3 Tests/Support/make_summeval_sample.py [../shared/data/summeval]
"""
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "summeval")
OUT = os.path.join(ROOT, "Sources", "JudgeLab", "Resources", "Samples", "summeval-pairs.jsonl")


def relevance(record):
    scores = [a["relevance"] for a in record["expert_annotations"]]
    return round(sum(scores) / len(scores), 4)


def shortest_articles(count=10):
    """SummEval's annotated summaries by article, and the `count` shortest articles' ids (by
    words, then id). Shared with make_summeval_responses.py."""
    articles = {}
    for path in sorted(glob.glob(os.path.join(SOURCE, "model_output_annotations", "*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            record = json.loads(line)
            articles.setdefault(record["id"], []).append(record)
    return articles, sorted(articles, key=lambda a: (len(articles[a][0]["text"].split()), a))[:count]


def main():
    articles, shortest = shortest_articles()
    pairs = []
    for article in shortest:
        systems = sorted(articles[article], key=lambda r: (relevance(r), r["model_id"]))
        chosen = [(systems[-1], systems[0])]
        tie = next(((a, b) for i, a in enumerate(systems) for b in systems[i + 1:]
                    if relevance(a) == relevance(b) and a["decoded"].strip() != b["decoded"].strip()), None)
        if tie:
            chosen.append(tie)
        chosen.append((systems[3 * len(systems) // 4], systems[len(systems) // 4]))
        for a, b in chosen:
            # Alternate which summary comes first, so that "answer 1" is not always the better one.
            if len(pairs) % 2:
                a, b = b, a
            pairs.append({
                "id": "summeval-%s-%s-%s" % (article.split("-")[-1][:10], a["model_id"], b["model_id"]),
                "question": "Summarise this news article in a few sentences.\n\n" + a["text"].strip(),
                "answer_1": a["decoded"].strip(),
                "answer_2": b["decoded"].strip(),
                "scores": [relevance(a), relevance(b)],
                "scale_min": 1,
                "scale_max": 5,
                "category": "summeval-relevance",
            })
    with open(OUT, "w", encoding="utf-8") as out:
        for pair in pairs:
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")
    ties = sum(p["scores"][0] == p["scores"][1] for p in pairs)
    print("wrote %d pairs (%d human ties) to %s" % (len(pairs), ties, OUT))


if __name__ == "__main__":
    main()
