#!/usr/bin/env python3
"""Every finding of an ssm-conform JSON report in words, one per line, sorted, without the verdict
(under --baseline a failed unit reads "accepted"): the record a target's check script commits and
diffs, and that targets/summary.py tabulates.

    findings.py REPORT.json OUT.txt TITLE
"""
import json
import sys


def main():
    report_path, out_path, title = sys.argv[1:4]
    report = json.load(open(report_path))
    lines = [f"{r['name']} [{f['check']}] expected {f['expected']}; got {f['actual']}"
             for r in report["results"] for f in r.get("findings") or []]
    units = len({r["name"] for r in report["results"] if r.get("findings")})
    skipped = sum(1 for r in report["results"] if r["verdict"] == "skipped")
    with open(out_path, "w") as out:
        out.write(f"# ssm-conform {report['version']} findings against {title}\n")
        out.write(f"# {len(lines)} findings in {units} units; {skipped} units skipped\n")
        out.write("\n".join(sorted(lines)) + ("\n" if lines else ""))


if __name__ == "__main__":
    main()
