#!/usr/bin/env python3
"""The SDK probes read the second operation, DescribeMaintenanceWindowExecutions, from the
faithful reference correctly: every probe's `--executions` scenario (boto3, the AWS CLI v1, the JS
v3 SDK, the Rust SDK) against `ssm-conform serve`, compared with what the reference sent on the
wire (each window walked over HTTP with no SDK between): every window's executions, in order, none
twice, timestamps read as dates, the ExecutedAfter filter's executions, nothing for an unknown
window, and an invalid window refused (by the service's ValidationException, or before sending by
an SDK that checks the model's bounds itself). Exit 1 with the differences, 0 when every SDK reads
it as sent.

The faults of the second operation are not measured per SDK yet (clients/sdk-impact.json covers
the first operation's).

    clients/executions_check.py --bin PATH-TO-ssm-conform [--sdk boto3 ...] [--fault NAME]
"""

import argparse
import json
import re
import sys
import urllib.request

from impact import PROBES, ROOT, RUST_PROBE, Server

INSTANT = "2024-12-30T00:00:00Z"
UNKNOWN = "mw-fedcba9876543210f"
TARGET = "AmazonSSM.{}"


def wire(url, operation, body):
    """One request over plain HTTP, as the wire carries it."""
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET.format(operation)})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def wire_walk(url, body):
    """Every execution a walk of the wire lists, in order."""
    items, body = [], dict(body, MaxResults=100)
    for _ in range(100):
        page = wire(url, "DescribeMaintenanceWindowExecutions", body)
        items += page.get("WindowExecutions") or []
        if not page.get("NextToken"):
            return items
        body["NextToken"] = page["NextToken"]
    raise RuntimeError("the reference's walk did not end")


def problems_of(sdk, steps, windows, expected):
    problems = []
    for i, _ in enumerate(windows):
        for size in ("10", "default"):
            name = f"executions-paginate-{size}:{i}"
            problems += read_problems(sdk, name, steps.get(name, {}), expected[i])
    problems += read_problems(sdk, "executions-filter-after", steps.get("executions-filter-after", {}), expected["after"])
    unknown = steps.get("executions-unknown-window", {})
    listed = (unknown.get("response") or {}).get("WindowExecutions") or []
    if unknown.get("outcome") != "ok" or listed:
        problems.append(f"{sdk} executions-unknown-window: expected no execution, got {unknown}")
    for name in ("executions-invalid-window", "executions-max-results-9"):
        step = steps.get(name, {})
        refused = step.get("code") == "ValidationException" or step.get("class") in ("ParamValidationError", "cli-exit-255", "cli-exit-252")
        if step.get("outcome") != "exception" or not refused:
            problems.append(f"{sdk} {name}: expected a ValidationException or the SDK's own refusal, got {step}")
    return problems


def read_problems(sdk, name, step, wire_items):
    if step.get("outcome") != "ok":
        return [f"{sdk} {name}: {step}"]
    items = step.get("items") or []
    got = [i.get("WindowExecutionId") for i in items]
    want = [i["WindowExecutionId"] for i in wire_items]
    if got != want:
        return [f"{sdk} {name}: {len(got)} executions read, {len(want)} sent (or another order)"]
    for i in items:
        # The CLI v1 prints timestamps as the wire has them (cli_timestamp_format none).
        dated = sdk == "aws-cli" or re.match(r"\d{4}-\d\d-\d\dT", str(i.get("StartTime", "2")))
        if "StartTime" in i and not dated:
            return [f"{sdk} {name}: StartTime not read as a date: {i['StartTime']}"]
        if not i.get("WindowId") or not i.get("Status"):
            return [f"{sdk} {name}: an execution without WindowId or Status: {i}"]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--sdk", action="append", choices=sorted(PROBES))
    parser.add_argument("--fault", help="serve this fault instead (to see the check fail: executions-pagination-drops-item)")
    args = parser.parse_args()
    sdks = args.sdk or [s for s in PROBES if s != "rust-sdk" or RUST_PROBE.exists()]
    server = Server(args.bin, f"fault:{args.fault}" if args.fault else "faithful")
    try:
        windows = [w["WindowId"] for w in wire(server.url, "DescribeMaintenanceWindows", {})["WindowIdentities"]]
        expected = {i: wire_walk(server.url, {"WindowId": w}) for i, w in enumerate(windows)}
        after = [{"Key": "ExecutedAfter", "Values": [INSTANT]}]
        expected["after"] = wire_walk(server.url, {"WindowId": windows[0], "Filters": after})
        extra = ["--executions", *[a for w in windows for a in ("--window-id", w)], "--instant", INSTANT]
        problems = []
        for sdk in sdks:
            # The probe's own command line (impact.py's), its random id a window no listing names.
            cmd = PROBES[sdk](server.url, [])
            cmd[cmd.index("--random-id") + 1] = UNKNOWN
            result = run_probe_cmd(sdk, cmd + extra)
            found = problems_of(sdk, result["steps"], windows, expected)
            problems += found
            sizes = ", ".join(str(len(expected[i])) for i in range(len(windows)))
            print(f"executions: {sdk} {result.get('version')}: {'ok' if not found else 'FAILED'} ({len(windows)} windows of {sizes} executions)")
    finally:
        server.stop()
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def run_probe_cmd(sdk, cmd):
    """`cmd`, a probe's command line, run as impact.py runs probes."""
    import subprocess

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{sdk} probe failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


if __name__ == "__main__":
    sys.exit(main())
