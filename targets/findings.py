#!/usr/bin/env python3
"""Every deviation and every finding of an ssm-conform JSON report in words, one per line, without
the verdict (under --baseline a failed unit reads "accepted"): the record a target's check script
commits and diffs, and that targets/summary.py tabulates. The deviations come first, most damaging
first as the report orders them (what a maintainer fixes); the findings follow, sorted.

    findings.py REPORT.json OUT.txt TITLE
"""
import json
import sys


def count(n, noun):
    """`1 unit`, `3 units`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def main():
    report_path, out_path, title = sys.argv[1:4]
    report = json.load(open(report_path))
    lines = [f"{r['name']} [{f['check']}] expected {f['expected']}; got {f['actual']}"
             for r in report["results"] for f in r.get("findings") or []]
    units = len({r["name"] for r in report["results"] if r.get("findings")})
    skipped = sum(1 for r in report["results"] if r["verdict"] == "skipped")
    deviations = [f"deviation {d['id']} ({d['rule']}): {len(d['units'])} unit{'' if len(d['units']) == 1 else 's'} ("
                  + ", ".join(f"{c} ×{n}" for c, n in d["checks"].items()) + ")"
                  for d in report.get("deviations") or []]
    with open(out_path, "w") as out:
        out.write(f"# ssm-conform {report['version']} findings against {title}\n")
        counts = [count(len(deviations), "deviation"), count(len(lines), "finding") + " in " + count(units, "unit")]
        out.write(f"# {'; '.join(counts)}; {count(skipped, 'unit')} skipped\n")
        out.write("".join(line + "\n" for line in deviations))
        out.write("\n".join(sorted(lines)) + ("\n" if lines else ""))


if __name__ == "__main__":
    main()
