#!/usr/bin/env python3
"""What a test run skipped, and whether CI may accept it.

    skipped_tests.py TEST-LOG ALLOW-LIST

Reads Swift Testing's output (`➜ Test NAME skipped: "REASON"`, and the same for a suite) and
prints every skipped test or suite with its reason, or that none was skipped. With CI set in
the environment (as `.ci/run` does), where `make test` has installed every dependency, a skip
fails the run (exit 1) unless its name is on the allow-list: one `NAME<TAB>REASON` per line,
`#` for comments. Without CI it only reports.
"""
import os
import re
import sys

SKIP = re.compile(r'^\S+ (Test|Suite) (.+?) skipped(?:: "(.*)")?\s*$')


def main():
    log, allow_file = sys.argv[1], sys.argv[2]
    allowed = {}
    with open(allow_file, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, _, reason = line.partition("\t")
            if not reason.strip():
                sys.exit("%s: the entry for %s gives no reason" % (allow_file, name))
            allowed[name.strip()] = reason.strip()
    skipped = []
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = SKIP.match(line.rstrip("\n"))
            if m and (m.group(1), m.group(2)) not in [(k, n) for k, n, _ in skipped]:
                skipped.append((m.group(1), m.group(2), m.group(3) or "no reason given"))
    if not skipped:
        print("skipped: none")
        return 0
    print("skipped: %d" % len(skipped))
    refused = []
    for kind, name, reason in skipped:
        mark = "allowed" if name in allowed else "NOT ALLOWED" if os.environ.get("CI") else ""
        print("  %s %s: %s%s" % (kind.lower(), name, reason, (" [%s]" % mark) if mark else ""))
        if name not in allowed:
            refused.append(name)
    if os.environ.get("CI") and refused:
        print("CI installs every dependency, so nothing may be skipped but what %s allows: %s" % (allow_file, ", ".join(refused)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
