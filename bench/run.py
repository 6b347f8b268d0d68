#!/usr/bin/env python3
"""The benchmark: ssm-conform's speed beside a peer measured in the same run.

    python3 bench/run.py [--quick] [--write] [--json PATH]
    python3 bench/run.py --in-process-only

Reports, side by side, with the machine and its load:
  1. requests/s of the harness's generated phase against `ssm-conform serve` on loopback, beside
     `oha` against the same server with a representative request (a 10-item page), at c = 1, 8,
     64; and the harness's CPU per generated request;
  2. requests/s the reference serves under `oha`, beside a bare axum handler returning the same
     bytes (bench/bare_server.rs), with each server's CPU per request (loaded in turn, three
     rounds, the median ratio);
  3. wall time and peak RSS of the default `run`, of `--property-cases 10000`, and of runs against
     a few faults (shrinking included);
  4. executions/s of the in-process differential fuzz target `reference_oracle`, no sanitizer.

Ratios, not absolutes, are the figures: the peer runs on the same machine, minutes apart.
Targets (never timed assertions in a test) are printed beside each figure.

It builds what it needs (`cargo build --release`, `cargo install oha` into bench/.tools unless
`oha` is on PATH, `cargo fuzz build -s none` into bench/.target-fuzz). `--write` replaces the
section between `<!-- bench:start -->` and `<!-- bench:end -->` in docs/performance.md. `--quick` runs each
load for 2 s instead of 5 and skips the fuzz target (for trying the script, not for figures).
Only loopback is used; every server it starts is stopped by its own pid.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "ssm-conform"
BARE = ROOT / "target" / "release" / "examples" / "bare_server"
TOOLS = ROOT / "bench" / ".tools"
FUZZ_TARGET_DIR = ROOT / "bench" / ".target-fuzz"
OHA_VERSION = "1.16.0"
TARGET_HEADER = "AmazonSSM.DescribeMaintenanceWindowExecutionTasks"
CONTENT_TYPE = "application/x-amz-json-1.1"
CONCURRENCY = (1, 8, 64)
ROUNDS = 3
GENERATED = 10_000
FAULTS = ("page-over-max-results", "status-outside-enum", "wrong-type-500")
TARGETS = {
    "harness_vs_oha_c8": 0.9,
    "reference_vs_bare_c8": 0.8,
    "default_run_s": 1.0,
    "default_run_mb": 50,
    "generated_10k_s": 2.0,
    "in_process_per_s": 50_000,
}


def say(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


class Server:
    """A server process that prints its URL on stdout's first line; stopped by its own pid."""

    def __init__(self, cmd: list[str]):
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("http://"):
            self.stop()
            raise SystemExit(f"bench: {cmd[0]} printed no URL (got {line!r})")
        self.url = line

    def cpu_seconds(self) -> float:
        """User + system CPU of the server so far (from /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def timed(cmd: list[str]) -> dict:
    """Runs `cmd`; its wall time, CPU seconds and peak RSS (MB), and its exit status."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "exit": code}


def oha_bin() -> str:
    found = shutil.which("oha") or (str(TOOLS / "bin" / "oha") if (TOOLS / "bin" / "oha").exists() else None)
    if found:
        return found
    say(f"installing oha {OHA_VERSION} into {TOOLS} (once; a few minutes)")
    run(["cargo", "install", "oha", "--locked", "--version", OHA_VERSION, "--root", str(TOOLS), "--quiet"])
    return str(TOOLS / "bin" / "oha")


def oha(binary: str, server: Server, body: str, concurrency: int, seconds: float) -> dict:
    """Requests/s oha reaches against `server`, and the server's CPU per request (µs)."""
    cpu_before = server.cpu_seconds()
    out = subprocess.run(
        [binary, "--no-tui", "--output-format", "json", "-z", f"{seconds}s", "-c", str(concurrency),
         "-m", "POST", "-H", f"Content-Type: {CONTENT_TYPE}", "-H", f"X-Amz-Target: {TARGET_HEADER}",
         "-d", body, server.url + "/"],
        check=True, capture_output=True, text=True,
    )
    cpu = server.cpu_seconds() - cpu_before
    doc = json.loads(out.stdout)
    codes = doc.get("statusCodeDistribution", {})
    if set(codes) != {"200"}:
        raise SystemExit(f"bench: oha against {server.url} got statuses {codes}, not only 200")
    rps = doc["summary"]["requestsPerSec"]
    total = sum(codes.values())
    return {"rps": rps, "server_cpu_us": cpu / total * 1e6 if total else None}


def median_by_ratio(pairs: list[tuple[dict, dict]]) -> tuple[dict, dict]:
    """The (reference, bare) pair whose ratio is the median: loads taken in turn, so that a burst
    of other work on the machine moves one round, not the figure."""
    ordered = sorted(pairs, key=lambda p: p[0]["rps"] / p[1]["rps"])
    return ordered[len(ordered) // 2]


def fixture_ids() -> list[str]:
    out = run([str(BIN), "serve", "--list-fixtures"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def harness_run(url: str, ids: list[str], cases: int, concurrency: int, report: Path) -> dict:
    """The harness against `url`; its generated phase's requests/s and the process's usage."""
    cmd = [str(BIN), "run", "--endpoint", url, "--no-sign", "--no-discover", "--seed", "1",
           "--property-cases", str(cases), "--concurrency", str(concurrency), "--color", "never",
           "--report", f"json:{report}"]
    for i in ids:
        cmd += ["--execution-id", i]
    usage = timed(cmd)
    doc = json.loads(report.read_text())
    gen = doc["generated"]
    usage["generated"] = gen["requests"]
    usage["generated_s"] = gen["seconds"]
    usage["rps"] = gen["requests"] / gen["seconds"] if gen["seconds"] else None
    usage["failed"] = doc["summary"]["failed"]
    return usage


def machine() -> dict:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "load_before": os.getloadavg()[0],
        "date": datetime.date.today().isoformat(),
        "commit": commit.stdout.strip() + ("+changes" if dirty.stdout.strip() else ""),
    }


def build() -> None:
    say("building the release binary and the bare peer")
    run(["cargo", "build", "--release", "--quiet", "--bin", "ssm-conform", "--example", "bare_server"], cwd=ROOT)


def fuzz_exec_per_s(seconds: int) -> float | None:
    """Executions/s of the reference_oracle fuzz target, no sanitizer; None without cargo-fuzz."""
    if subprocess.run(["cargo", "fuzz", "--version"], capture_output=True).returncode != 0:
        say("cargo-fuzz is not installed (cargo install cargo-fuzz); skipping the in-process figure")
        return None
    env = dict(os.environ)
    toolchain = []
    if b"nightly" in subprocess.run(["rustup", "toolchain", "list"], capture_output=True).stdout:
        toolchain = ["+nightly"]
    else:
        env["RUSTC_BOOTSTRAP"] = "1"
    say("building the reference_oracle fuzz target without a sanitizer")
    run(["cargo", *toolchain, "fuzz", "build", "-O", "-s", "none", "--target-dir", str(FUZZ_TARGET_DIR),
         "reference_oracle"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    binary = next(FUZZ_TARGET_DIR.glob("*/release/reference_oracle"))
    with tempfile.TemporaryDirectory() as corpus:
        out = subprocess.run([str(binary), f"-max_total_time={seconds}", "-seed=1", "-print_final_stats=1", corpus],
                             capture_output=True, text=True)
    m = re.search(r"stat::average_exec_per_sec:\s+(\d+)", out.stderr)
    if not m:
        raise SystemExit(f"bench: the fuzz target printed no exec/s:\n{out.stderr[-2000:]}")
    return float(m.group(1))


def measure(args) -> dict:
    seconds = 2 if args.quick else 5
    build()
    oha_path = oha_bin()
    results = {"machine": machine(), "load_seconds": seconds, "oha": OHA_VERSION}
    ids = fixture_ids()
    body = json.dumps({"WindowExecutionId": ids[0], "MaxResults": 10}, separators=(",", ":"))
    tmp = Path(tempfile.mkdtemp(prefix="ssm-conform-bench-"))
    try:
        with Server([str(BIN), "serve"]) as reference:
            req = urllib.request.Request(reference.url + "/", data=body.encode(), method="POST",
                                         headers={"Content-Type": CONTENT_TYPE, "X-Amz-Target": TARGET_HEADER})
            canned = urllib.request.urlopen(req, timeout=10).read()
            (tmp / "body.json").write_bytes(canned)
            results["response_bytes"] = len(canned)
            with Server([str(BARE), str(tmp / "body.json")]) as bare:
                rows = []
                for c in CONCURRENCY:
                    say(f"c={c}: oha against the reference and the bare peer in turn ({ROUNDS} rounds), then the harness")
                    pairs = [(oha(oha_path, reference, body, c, seconds), oha(oha_path, bare, body, c, seconds))
                             for _ in range(ROUNDS)]
                    ref, peer = median_by_ratio(pairs)
                    harness = harness_run(reference.url, ids, GENERATED, c, tmp / f"run-{c}.json")
                    rows.append({"concurrency": c, "reference": ref, "bare": peer, "harness": harness,
                                 "ratios": [r["rps"] / b["rps"] for r, b in pairs]})
                results["load"] = rows
            baseline = harness_run(reference.url, ids, 0, 8, tmp / "run-0.json")
            c8 = next(r["harness"] for r in results["load"] if r["concurrency"] == 8)
            results["harness_cpu_us_per_generated"] = (c8["cpu"] - baseline["cpu"]) / c8["generated"] * 1e6
        results["runs"] = runs(ids, tmp)
        results["in_process_per_s"] = None if args.quick else fuzz_exec_per_s(15)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["machine"]["load_after"] = os.getloadavg()[0]
    return results


def runs(ids: list[str], tmp: Path) -> list[dict]:
    say("whole runs: wall time and peak RSS")
    out = [
        {"run": "default `run` (embedded reference)", **timed([str(BIN), "run", "--seed", "1", "--color", "never"])},
        {"run": f"`run --property-cases {GENERATED}` (embedded reference)",
         **timed([str(BIN), "run", "--seed", "1", "--color", "never", "--property-cases", str(GENERATED)])},
    ]
    for fault in FAULTS:
        with Server([str(BIN), "serve", "--fault", fault]) as server:
            cmd = [str(BIN), "run", "--endpoint", server.url, "--no-sign", "--seed", "1", "--color", "never"]
            for i in ids:
                cmd += ["--execution-id", i]
            out.append({"run": f"`run` against fault `{fault}` (shrinking included)", **timed(cmd)})
    return out


def ratio(a, b) -> str:
    return f"{a / b:.2f}×" if a and b else "n/a"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"Measured {m['date']} at commit {m['commit']} on {m['cores']} cores ({m['cpu']}), Linux {m['kernel']}; "
        f"load average {m['load_before']:.2f} before, {m['load_after']:.2f} after; {r['load_seconds']} s per load, "
        f"oha {r['oha']}, a {r['response_bytes']}-byte answer (10 items); reference and bare peer loaded in turn, "
        f"{ROUNDS} rounds each, the round with the median ratio shown. Reproduce: `python3 bench/run.py`.",
        "",
        "| concurrency | harness, generated phase (req/s) | oha → reference (req/s) | harness / oha "
        "| bare axum (req/s) | reference / bare | µs CPU per request: reference, bare |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in r["load"]:
        h, ref, bare = row["harness"], row["reference"], row["bare"]
        lines.append(
            f"| {row['concurrency']} | {h['rps']:,.0f} | {ref['rps']:,.0f} | {ratio(h['rps'], ref['rps'])} "
            f"| {bare['rps']:,.0f} | {ratio(ref['rps'], bare['rps'])} "
            f"| {ref['server_cpu_us']:.0f}, {bare['server_cpu_us']:.0f} |"
        )
    load = {row["concurrency"]: row for row in r["load"]}
    h1, h8 = load[1]["harness"]["rps"], load[8]["harness"]["rps"]
    hv = h8 / load[8]["reference"]["rps"]
    rv = load[8]["reference"]["rps"] / load[8]["bare"]["rps"]
    lines += [
        "",
        f"Generated phase at c=8 vs c=1: {ratio(h8, h1)}; harness CPU per generated request "
        f"(c=8, 10,000 requests, less a run without them): {r['harness_cpu_us_per_generated']:.0f} µs.",
        "",
        "| run | wall (s) | peak RSS (MB) | exit |",
        "|---|---:|---:|---:|",
    ]
    for row in r["runs"]:
        lines.append(f"| {row['run']} | {row['wall']:.2f} | {row['rss_mb']:.0f} | {row['exit']} |")
    default, tenk = r["runs"][0], r["runs"][1]
    ip = r.get("in_process_per_s")
    lines += [
        "",
        f"In-process differential fuzz target (`reference_oracle`, no sanitizer, 15 s): "
        + (f"{ip:,.0f} exec/s." if ip else "not measured."),
        "",
        "| target | figure | |",
        "|---|---:|---|",
        f"| harness / oha at c=8 ≥ {TARGETS['harness_vs_oha_c8']} | {hv:.2f} | {verdict(hv >= TARGETS['harness_vs_oha_c8'])} |",
        f"| reference / bare axum at c=8 ≥ {TARGETS['reference_vs_bare_c8']} | {rv:.2f} | {verdict(rv >= TARGETS['reference_vs_bare_c8'])} |",
        f"| default run < {TARGETS['default_run_s']:.0f} s and < {TARGETS['default_run_mb']} MB | {default['wall']:.2f} s, {default['rss_mb']:.0f} MB "
        f"| {verdict(default['wall'] < TARGETS['default_run_s'] and default['rss_mb'] < TARGETS['default_run_mb'])} |",
        f"| 10k generated requests < {TARGETS['generated_10k_s']:.0f} s (whole run, less the default run) "
        f"| {tenk['wall'] - default['wall']:.2f} s | {verdict(tenk['wall'] - default['wall'] < TARGETS['generated_10k_s'])} |",
        f"| in-process ≥ {TARGETS['in_process_per_s']:,} exec/s | "
        + (f"{ip:,.0f} | {verdict(ip >= TARGETS['in_process_per_s'])} |" if ip else "n/a | not measured |"),
    ]
    return "\n".join(lines) + "\n"


def write_page(text: str) -> None:
    page = ROOT / "docs" / "performance.md"
    doc = page.read_text()
    start, end = "<!-- bench:start -->\n", "<!-- bench:end -->"
    if start not in doc or end not in doc:
        raise SystemExit("bench: docs/performance.md has no <!-- bench:start --> / <!-- bench:end --> section")
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    page.write_text(head + start + text + end + tail)
    say("docs/performance.md updated")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 s loads, no fuzz target (to try the script)")
    ap.add_argument("--write", action="store_true", help="write the figures into docs/performance.md")
    ap.add_argument("--json", type=Path, help="also write the raw figures as JSON")
    ap.add_argument("--in-process-only", action="store_true",
                    help="measure only the in-process fuzz target's executions/s (e.g. before and after a change)")
    args = ap.parse_args()
    if args.in_process_only:
        per_s = fuzz_exec_per_s(15)
        target = TARGETS["in_process_per_s"]
        print(f"in-process reference_oracle: {per_s:,.0f} exec/s (target {target:,}, no sanitizer)" if per_s
              else "in-process reference_oracle: not measured")
        return
    results = measure(args)
    text = render(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.write:
        write_page(text)


if __name__ == "__main__":
    main()
