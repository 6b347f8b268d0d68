#!/usr/bin/env python3
"""Real SDK traffic graded by `ssm-conform proxy`: the boto3 and JS v3 probes run as the proxy's
wrapped command (`ssm-conform proxy --upstream URL -- probe ...`), finding the proxy through
AWS_ENDPOINT_URL_SSM as a user's test suite would, against the reference, faithful and with a few
faults. For each:

- faithful: the proxy reports nothing (exit 0), and it judged the probe's exchanges;
- a fault: the proxy exits 1 and names the fault's check (the probe's scenario meets each of
  these faults), and every check it fails is one `ssm-conform run` fails against that fault too
  (the same deviation seen through other requests).

    python3 clients/proxy_check.py --bin PATH-TO-ssm-conform   (the probes' venv's python)

Exits 1 naming each mismatch.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RANDOM_ID = "0badc0de-0000-4000-8000-000000000000"
FAULTS = ["pagination-drops-item", "timestamps-iso", "request-id-missing", "content-type-json", "error-message-missing", "max-results-max-unchecked"]
PROBES = {
    "boto3": [sys.executable, str(ROOT / "clients/python/probe.py")],
    "js-v3": ["node", str(ROOT / "clients/js/probe.mjs")],
}
TIMEOUT = 300


def failing(report):
    """The checks a JSON report's failing units name."""
    doc = json.loads(Path(report).read_text())
    units = [r for r in doc["results"] if r["verdict"] in ("failed", "blocked")]
    return {f["check"] for r in units for f in r["findings"]}, doc


def repro_problems(doc, upstream):
    """A failing unit's repro must re-send to the upstream, signed by curl (the SDKs sign with
    the probes' dummy credentials), without the client's signature, date or host."""
    out = []
    for r in doc["results"]:
        repro = r.get("repro") or ""
        if r["verdict"] != "failed" or not repro.startswith("curl"):
            continue
        if f"'{upstream}/" not in repro or "--aws-sigv4 'aws:amz:" not in repro:
            out.append(f"repro does not sign for the upstream: {repro[:200]}")
        if any(h in repro.lower() for h in ("x-amz-date", "[redacted]", "host: 127.0.0.1")):
            out.append(f"repro repeats the client's attempt headers: {repro[:200]}")
    return out


class Reference:
    """`ssm-conform serve [--fault F]` on a free port, stopped by its own handle."""

    def __init__(self, binary, fault):
        args = [binary, "serve", "--port", "0"] + (["--fault", fault] if fault else [])
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.proc.stdout.readline().strip()

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def fixture_ids(binary):
    out = subprocess.run([binary, "serve", "--list-fixtures"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def through_proxy(binary, url, sdk, ids, work):
    """The probe under `ssm-conform proxy`: (exit status, failing checks, report)."""
    report = work / f"proxy-{sdk}.json"
    probe = PROBES[sdk] + ["--random-id", RANDOM_ID] + [a for i in ids for a in ("--execution-id", i)]
    cmd = [binary, "proxy", "--upstream", url, "--color", "never", "--report", f"json:{report}", "--", *probe]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    if not report.exists():
        raise RuntimeError(f"ssm-conform proxy ({sdk}) wrote no report, exit {done.returncode}: {done.stderr[-400:]}")
    checks, doc = failing(report)
    return done.returncode, checks, doc


def direct_run(binary, url, ids, work):
    report = work / "run.json"
    cmd = [binary, "run", "--endpoint", url, "--seed", "1", "--color", "never", "--report", f"json:{report}"]
    subprocess.run(cmd + [a for i in ids for a in ("--execution-id", i)], capture_output=True, timeout=TIMEOUT)
    return failing(report)[0]


def check_target(binary, fault, ids, problems):
    reference = Reference(binary, fault)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            ran = direct_run(binary, reference.url, ids, work) if fault else set()
            for sdk in PROBES:
                status, saw, doc = through_proxy(binary, reference.url, sdk, ids, work)
                judged = sum(1 for r in doc["results"] if r["name"].startswith("proxied exchange"))
                name = f"{sdk} through the proxy to {fault or 'the faithful reference'}"
                if judged == 0:
                    problems.append(f"{name}: no exchange was judged ({doc.get('notes')})")
                if fault is None and (status != 0 or saw):
                    problems.append(f"{name}: exit {status}, findings {sorted(saw)} (expected none)")
                if fault is not None:
                    own = fault_check(binary, fault)
                    if status != 1 or own not in saw:
                        problems.append(f"{name}: exit {status}, findings {sorted(saw)}: expected exit 1 naming {own}")
                    if not saw <= ran:
                        problems.append(f"{name}: {sorted(saw - ran)} fail in the proxy but not in `run` ({sorted(ran)})")
                    problems.extend(f"{name}: {p}" for p in repro_problems(doc, reference.url))
                print(f"proxy: {name}: exit {status}, {judged} exchanges judged, failing {sorted(saw) or 'nothing'}")
    finally:
        reference.stop()


def fault_check(binary, fault):
    out = subprocess.run([binary, "serve", "--list-faults"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == fault:
            return parts[1].strip("[]")
    raise RuntimeError(f"no fault {fault}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the ssm-conform binary")
    args = parser.parse_args()
    binary = str(Path(args.bin).resolve())
    ids = fixture_ids(binary)
    problems = []
    for fault in [None, *FAULTS]:
        check_target(binary, fault, ids, problems)
    for p in problems:
        print(f"proxy: {p}")
    print(f"proxy: {len(problems)} problems" if problems else "proxy: the SDKs' traffic is graded as expected")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
