#!/usr/bin/env python3
"""Writes Tests/Data/: the public data the tests read, converted from the shared data sets
(a development copy beside the repository, ../shared/data) so that a clone tests on its own.

- llmbar/: LLMBar's eight subsets in their own layout (dataset.json, statistics.json) with each
  result.json of the imported styles (Vanilla, Vanilla_NoRules, CoT) cut to what the importer
  reads (the last round's raw completion and recorded winner in both orders); the Swap and
  Rating styles of the Natural set keep their statistics.json and an empty result.json, so the
  importer's note that it leaves them out stays tested. 15 MB of raw files become about 3 MB.
- pandalm/: PandaLM's test set and its two recorded judges, as they are (1.8 MB).

LLMEval² may not be shipped (its items come from sources with their own licences).
Deterministic; run it again to rebuild the folder:

    python3 Tests/Support/make_test_data.py [../shared/data]
"""
import glob
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "Tests", "Data")
STYLES = ("Vanilla", "Vanilla_NoRules", "CoT")


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def cut_result(records):
    """Each record's last round, both orders: the raw completion and LLMBar's recorded winner."""
    return [{"results": [{key: {"completion": [entry["completion"][0]], "winner": entry.get("winner")}
                          for key, entry in record["results"][-1].items() if key.startswith("swap = ")}]}
            for record in records]


def llmbar():
    source = os.path.join(SOURCE, "llmbar")
    for dataset in sorted(glob.glob(os.path.join(source, "Dataset", "**", "dataset.json"), recursive=True)):
        folder = os.path.dirname(dataset)
        target = os.path.join(OUT, "llmbar", os.path.relpath(folder, source))
        os.makedirs(target, exist_ok=True)
        shutil.copyfile(dataset, os.path.join(target, "dataset.json"))
        for result in sorted(glob.glob(os.path.join(folder, "evaluators", "*", "*", "result.json"))):
            style_folder = os.path.dirname(result)
            style = os.path.basename(style_folder)
            natural = os.path.relpath(folder, source) == os.path.join("Dataset", "LLMBar", "Natural")
            if style not in STYLES and not natural:
                continue
            out = os.path.join(target, os.path.relpath(style_folder, folder))
            os.makedirs(out, exist_ok=True)
            shutil.copyfile(os.path.join(style_folder, "statistics.json"), os.path.join(out, "statistics.json"))
            with open(result, encoding="utf-8") as f:
                records = json.load(f)
            write_json(os.path.join(out, "result.json"), cut_result(records) if style in STYLES else [])
    shutil.copyfile(os.path.join(source, "LICENSE"), os.path.join(OUT, "llmbar", "LICENSE"))


def pandalm():
    source = os.path.join(SOURCE, "pandalm")
    os.makedirs(os.path.join(OUT, "pandalm"), exist_ok=True)
    for name in ("testset-v1.json", "gpt-3.5-turbo-testset-v1.json", "pandalm-7b-testset-v1.json", "LICENSE"):
        shutil.copyfile(os.path.join(source, name), os.path.join(OUT, "pandalm", name))


def main():
    for name in ("llmbar", "pandalm"):
        shutil.rmtree(os.path.join(OUT, name), ignore_errors=True)
    llmbar()
    pandalm()


if __name__ == "__main__":
    main()
