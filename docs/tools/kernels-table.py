#!/usr/bin/python3
"""Write the book's table of tested kernels from real test results.

    kernels-table.py RESULTS_DIR OUT.adoc

RESULTS_DIR holds kernel-NAME.json files, which 'make test [KERNEL=NAME]'
writes after a run of every chapter (scripts/run-tests.py --results). A
kernel without results is listed as not tested by this build, so the book
never claims a run that did not happen.
"""
import glob
import json
import os
import sys

KERNELS = [("6.1", "Debian 12's default kernel (linux-image-amd64)"),
           ("6.12", "Debian 12's 6.12 LTS (linux-image-6.12-amd64)"),
           ("6.12-rt", "the same with PREEMPT_RT (linux-image-6.12-rt-amd64)"),
           ("debug", "6.1 from linux-source-6.1 with KASAN, kmemleak, lockdep and more")]


def main(results_dir, out):
    found = {}
    for path in glob.glob(os.path.join(results_dir, "kernel-*.json")):
        with open(path) as f:
            r = json.load(f)
        found[r["kernel"]] = r
    rows = ["[cols=\"1,3,2,1,1,1\",options=\"header\"]", "|===",
            "| KERNEL= | what it is | release | chapters | checks | date"]
    for name, what in KERNELS:
        r = found.get(name)
        if r:
            verdict = f"{r['passed']} passed" + (f", *{r['failed']} failed*" if r["failed"] else "")
            rows.append(f"| `{name}` | {what} | `{r['release']}` | {r['chapters']} "
                        f"| {verdict} | {r['date']}")
        else:
            rows.append(f"| `{name}` | {what} 4+| not tested by the build of this book")
    rows.append("|===")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    main(sys.argv[1], sys.argv[2])
