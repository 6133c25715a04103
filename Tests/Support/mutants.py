#!/usr/bin/env python3
"""The mutation suite: one-line mutations of the logic users depend on, each applied to a
scratch copy of the repository, with the tests that should catch it run against it.

    mutants.py [--only ID[,ID...]] [--tests FILTER] [--skip FILTER] [--list]

The mutants are in Tests/Mutants/mutants.json: an id, what the mutation breaks, the file, the
exact text to find (once) and its replacement, and a filter of the tests that protect it. The
scratch copy lives in .build/mutants/ with a build folder of its own, kept between runs so
that each mutant costs an incremental build. A mutant is caught when a test fails; one whose
tests all pass is a gap, and so is one that does not compile (it tests nothing). Prints a table
(mutant, caught or not, by which tests) and exits 1 when any mutant is not caught.
--tests runs these tests instead of each mutant's own (`.` for the whole suite), and --skip
leaves tests out: `--only key-model --tests . --skip CacheKeyTests` asks whether anything else
would catch it.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRATCH = os.path.join(ROOT, ".build", "mutants", "src")
SKIP = {".build", ".git", "Results", ".swiftpm"}
FAILED = re.compile(r"^✘ Test (.+?) recorded an issue")


def sync():
    """Copies the repository into the scratch folder, file by file where the text differs,
    keeping modification times so that the scratch build stays incremental."""
    wanted = set()
    for folder, dirs, files in os.walk(ROOT):
        rel = os.path.relpath(folder, ROOT)
        dirs[:] = [d for d in dirs if not (rel == "." and d in SKIP) and d != "__pycache__"]
        for name in files:
            src = os.path.join(folder, name)
            dst = os.path.join(SCRATCH, os.path.relpath(src, ROOT))
            wanted.add(dst)
            if os.path.exists(dst) and os.path.getsize(dst) == os.path.getsize(src) and open(src, "rb").read() == open(dst, "rb").read():
                continue
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
    for folder, dirs, files in os.walk(SCRATCH):
        rel = os.path.relpath(folder, SCRATCH)
        dirs[:] = [d for d in dirs if not (rel == "." and d in SKIP)]
        for name in files:
            path = os.path.join(folder, name)
            if path not in wanted:
                os.remove(path)


def build():
    started = time.time()
    r = subprocess.run(["swift", "build", "--build-tests"], cwd=SCRATCH, capture_output=True, text=True)
    return r.returncode == 0, time.time() - started, r.stdout + r.stderr


def run_tests(filter_, skip=None):
    env = dict(os.environ)
    env.pop("CI", None)
    started = time.time()
    r = subprocess.run(["swift", "test", "--skip-build", "--filter", filter_] + (["--skip", skip] if skip else []),
                       cwd=SCRATCH, capture_output=True, text=True, env=env)
    failed = []
    for line in (r.stdout + r.stderr).splitlines():
        m = FAILED.match(line)
        if m:
            name = m.group(1).split(" with ")[0]
            if name not in failed:
                failed.append(name)
    ran = re.search(r"Test run with (\d+) tests?", r.stdout + r.stderr)
    return r.returncode, failed, int(ran.group(1)) if ran else 0, time.time() - started


def main():
    args = sys.argv[1:]
    mutants = json.load(open(os.path.join(ROOT, "Tests", "Mutants", "mutants.json"), encoding="utf-8"))
    if "--list" in args:
        for m in mutants:
            print("%-20s %s" % (m["id"], m["what"]))
        return 0
    if "--only" in args:
        only = set(args[args.index("--only") + 1].split(","))
        unknown = only - {m["id"] for m in mutants}
        if unknown:
            sys.exit("no mutant named " + ", ".join(sorted(unknown)))
        mutants = [m for m in mutants if m["id"] in only]
    started = time.time()
    os.makedirs(SCRATCH, exist_ok=True)
    sync()
    ok, seconds, log = build()
    if not ok:
        sys.exit("the unmutated scratch copy does not build:\n" + log[-3000:])
    print("scratch copy built in %.0f s (%s)" % (seconds, SCRATCH), flush=True)
    rows = []
    for m in mutants:
        path = os.path.join(SCRATCH, m["file"])
        original = open(path, encoding="utf-8").read()
        count = original.count(m["find"])
        if count != 1:
            rows.append((m["id"], m["what"], "STALE", "its text is found %d times in %s" % (count, m["file"]), 0))
            print("%-20s STALE (found %d times)" % (m["id"], count), flush=True)
            continue
        stat = os.stat(path)
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original.replace(m["find"], m["replace"]))
            ok, build_seconds, log = build()
            if not ok:
                rows.append((m["id"], m["what"], "NO BUILD", "the mutant does not compile", build_seconds))
                print("%-20s does not compile" % m["id"], flush=True)
                continue
            tests = args[args.index("--tests") + 1] if "--tests" in args else m["tests"]
            skip = args[args.index("--skip") + 1] if "--skip" in args else None
            status, failed, ran, test_seconds = run_tests(tests, skip)
            if ran == 0:
                verdict, by = "NO TESTS", "the filter '%s' selects no test" % tests
            elif status != 0:
                verdict, by = "caught", ", ".join(failed) if failed else "the tests' run failed (exit %d)" % status
            else:
                verdict, by = "MISSED", "%d tests passed" % ran
            rows.append((m["id"], m["what"], verdict, by, build_seconds + test_seconds))
            print("%-20s %-8s %5.0f s  %s" % (m["id"], verdict, build_seconds + test_seconds, by[:150]), flush=True)
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
            os.utime(path, (stat.st_atime, time.time()))
    # The scratch build back to the unmutated sources, for the next run.
    build()
    print()
    print("| mutant | what it breaks | result | caught by |")
    print("| --- | --- | --- | --- |")
    for id_, what, verdict, by, _ in rows:
        print("| %s | %s | %s | %s |" % (id_, what, verdict, by.replace("|", "/")))
    caught = sum(1 for r in rows if r[2] == "caught")
    print()
    print("%d of %d mutants caught in %.1f minutes" % (caught, len(rows), (time.time() - started) / 60))
    return 0 if caught == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
