#!/usr/bin/env python3
"""Measures what each deviation does to real SDK clients: every probe (boto3, the AWS CLI v1,
the AWS SDK for JavaScript v3) runs its scenario against the faithful reference, every
`serve --fault` and every `serve --variant`, and each step's outcome is compared with the same
probe against the faithful reference.

    impact.py --bin target/release/ssm-conform [--write | --check] [--only NAME ...]

--write   writes clients/sdk-impact.json (the data) and docs/sdk-impact.md (rendered from it)
--check   re-measures and fails (exit 1) when the outcomes differ from the committed data; the
          diff says which target, SDK and step drifted. The date and versions are not compared
          unless the versions changed (then the data must be re-measured and reviewed).
Without either, prints the measured data.

Needs: a venv with boto3 and awscli (clients/python/requirements.txt) as the Python running this
script, and `npm ci` done in clients/js. Each server runs on 127.0.0.1, port 0, and is stopped
by its own pid.
"""

import argparse
import concurrent.futures
import datetime
import http.client
import http.server
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "clients" / "sdk-impact.json"
DOC = ROOT / "docs" / "sdk-impact.md"
RANDOM_ID = "0123abcd-0000-4000-8000-00000000cafe"
PROBE_TIMEOUT = 120
# Differences an SDK's caller may see from a variant without anything breaking: any stable order
# is allowed, and an empty page's list may be absent (the CLI then prints no list at all).
ORDER_ONLY = "the same items in another order"
EMPTY_LIST_ABSENT = "prints no list where the faithful reference's answer prints an empty one, no error"

PROBES = {
    "boto3": lambda url, ids: [sys.executable, str(ROOT / "clients/python/probe.py"), *url_ids(url, ids)],
    "aws-cli": lambda url, ids: [sys.executable, str(ROOT / "clients/python/probe.py"), "--cli", *url_ids(url, ids)],
    "js-v3": lambda url, ids: ["node", str(ROOT / "clients/js/probe.mjs"), *url_ids(url, ids)],
    "rust-sdk": lambda url, ids: [str(RUST_PROBE), *url_ids(url, ids)],
}

# Targets not measured per target, each with a row saying why, and no finding claims anything of
# an SDK for them: the throttling variants' answers depend on timing (a token bucket the probe may
# or may not empty), and the header-only throttle fault is one of the throttle forms. Which
# throttle forms each SDK retries is measured apart, deterministically: each
# `throttle-form:NAME` target throttles every distinct request once in that form (`serve
# --throttle-once --throttle-form NAME`).
UNMEASURED = {
    "variant:throttling": "throttles past a rate (timing-dependent; see the throttle forms below)",
    "variant:throttling-429": "throttles past a rate (timing-dependent; see the throttle forms below)",
    "fault:throttle-type-header-only": "its throttles are measured as the header-only throttle form below",
}

# Variants whose data changes as requests arrive (a live execution, contract §8): an SDK's caller
# sees other statuses, times and filtered items than the faithful reference's, by design.
DATA_CHANGES = {"variant:live-execution"}

# Built by `cargo build --release` in clients/rust (its own target directory).
RUST_PROBE = ROOT / "clients/rust/target/release/ssm-conform-rust-probe"


def url_ids(url, ids):
    args = ["--endpoint", url, "--random-id", RANDOM_ID]
    for i in ids:
        args += ["--execution-id", i]
    return args


def catalogue(binary, flag):
    out = subprocess.run([binary, "serve", flag], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def fixture_ids(binary):
    out = subprocess.run([binary, "serve", "--list-fixtures"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


class Server:
    """`ssm-conform serve` on 127.0.0.1 at a free port, stopped by its own pid."""

    def __init__(self, binary, target):
        args = [binary, "serve", "--port", "0"]
        if target.startswith("throttle-form:"):
            args += ["--throttle-once", "--throttle-form", target.split(":", 1)[1]]
        elif target != "faithful":
            kind, name = target.split(":", 1)
            args += [f"--{kind}", name]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        if not match:
            self.stop()
            raise RuntimeError(f"serve {target} printed no URL: {line!r}")
        self.url = match.group(0)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


# Headers whose value differs from answer to answer of the same server; their presence is kept.
VOLATILE_HEADERS = {"date", "x-amzn-requestid"}
# Hop-by-hop headers the recorder does not pass on (it sets its own framing).
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding"}


class Recorder:
    """A forwarding proxy in front of one server that records each answer (status, headers,
    body), so that a probe's exchanges with a fault can be compared with its exchanges with the
    faithful reference: when they are identical, the probe never met the fault, and "no
    difference" would say nothing about the SDK."""

    def __init__(self, upstream):
        self.upstream = upstream.removeprefix("http://")
        self.answers = []
        self.lock = threading.Lock()
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without this, Nagle and delayed ACKs
            # add 40 ms to every answer.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                conn = http.client.HTTPConnection(recorder.upstream, timeout=PROBE_TIMEOUT)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                    conn.request(self.command, self.path, body=body, headers=headers)
                    answer = conn.getresponse()
                    payload = answer.read()
                    kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_HEADERS | {"content-length"}]
                    status = answer.status
                finally:
                    conn.close()
                recorder.record(status, kept, payload)
                self.send_response_only(status)
                for k, v in kept:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_DELETE = do_POST

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def record(self, status, headers, body):
        shown = sorted((k.lower(), "*" if k.lower() in VOLATILE_HEADERS else v) for k, v in headers)
        with self.lock:
            self.answers.append([status, shown, body.decode("utf-8", "replace")])

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def run_probe(sdk, url, ids):
    cmd = PROBES[sdk](url, ids)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=PROBE_TIMEOUT, cwd=ROOT)
    except subprocess.TimeoutExpired:
        # The probe as a whole outlived its bound: every step it did not report hangs.
        return {"version": None, "steps": {"*": {"outcome": "hang"}}}
    if done.returncode != 0:
        raise RuntimeError(f"{sdk} probe failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def measure(binary, target, ids, sdks):
    """Each probe's result against `target`, with the answers it got (through a recorder). A
    throttle form throttles each distinct request once per server, so each probe gets its own,
    all at once (they spend their time in the SDKs' backoff sleeps)."""
    if target.startswith("throttle-form:"):
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(sdks)) as pool:
            each = {sdk: pool.submit(probe_one_server, binary, target, ids, [sdk]) for sdk in sdks}
            return {sdk: fut.result()[sdk] for sdk, fut in each.items()}
    return probe_one_server(binary, target, ids, sdks)


def probe_one_server(binary, target, ids, sdks):
    """The probes of `sdks`, one after another, against one server of `target`."""
    server = Server(binary, target)
    try:
        results = {}
        for sdk in sdks:
            recorder = Recorder(server.url)
            try:
                results[sdk] = run_probe(sdk, recorder.url, ids)
            finally:
                recorder.stop()
            results[sdk]["answers"] = recorder.answers
        return results
    finally:
        server.stop()


def plural(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def same_value(a, b):
    """Equal; numbers within half a millisecond and ISO timestamps within one (SDKs read
    timestamps to the millisecond, some rounding and some truncating, and a JSON writer may spell
    the same double 1735690323.1499999 or 1735690323.15)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 0.0005
    if isinstance(a, str) and isinstance(b, str) and a != b and ISO.fullmatch(a) and ISO.fullmatch(b):
        # The same instant read to the millisecond by rounding or by truncating.
        try:
            ta, tb = (datetime.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in (a, b))
        except ValueError:
            return False
        return abs((ta - tb).total_seconds()) <= 0.001
    return a == b


ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def change_kind(want, got):
    """How a member's value changed, in words that do not depend on the fixture's values."""
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
             dict: "an object", type(None): "null"}
    if kinds.get(type(want)) != kinds.get(type(got)):
        return f"{kinds.get(type(got), 'something else')} where the faithful reference gives {kinds.get(type(want))}"
    return "a different value"


def key(item):
    return item.get("TaskExecutionId") if isinstance(item, dict) else json.dumps(item, sort_keys=True)


def keyless(items):
    return any(isinstance(i, dict) and "TaskExecutionId" not in i for i in items)


def compare_items(want, got):
    """How `got` differs from `want`: missing, extra, duplicated items and changed members.
    Items are matched by TaskExecutionId; when the answers lost it, by position."""
    if len(want) == len(got) and keyless(got) and not keyless(want):
        pairs = list(zip(want, got))
        parts = []
    else:
        pairs, parts = match_by_key(want, got)
    changed = {}
    for base, item in pairs:
        if not isinstance(item, dict) or not isinstance(base, dict):
            continue
        for member in sorted(set(base) | set(item)):
            if member not in item:
                changed.setdefault(member, "missing")
            elif member not in base:
                changed.setdefault(member, "added")
            elif not same_value(item[member], base[member]):
                changed.setdefault(member, change_kind(base[member], item[member]))
    if changed:
        by_kind = {}
        for member, how in sorted(changed.items()):
            by_kind.setdefault(how, []).append(member)
        parts.append("; ".join(f"{' and '.join(ms)} {how}" for how, ms in by_kind.items()))
    if not parts and [key(i) for i in got] != [key(i) for i in want]:
        return ORDER_ONLY
    return "; ".join(parts)


def match_by_key(want, got):
    """Items of `got` paired with those of `want` by key, and the sentences for missing, extra
    and repeated items."""
    want_keys = [key(i) for i in want]
    got_keys = [key(i) for i in got]
    parts = []
    missing = len(set(want_keys) - set(got_keys))
    extra = len(set(got_keys) - set(want_keys))
    duplicated = len(got_keys) - len(set(got_keys))
    if duplicated and len(got_keys) == 2 * len(want_keys) and not missing and not extra:
        parts.append("every item twice")
    elif duplicated:
        parts.append(f"{plural(duplicated, 'item')} repeated")
    if missing:
        parts.append(f"{missing} of {plural(len(want_keys), 'item')} missing")
    if extra:
        parts.append(f"{plural(extra, 'extra item')}")
    by_key = {key(i): i for i in want}
    pairs = [(by_key[key(i)], i) for i in got if key(i) in by_key]
    return pairs, parts


def describe_failure(step):
    what = step.get("code") or step.get("class")
    if str(step.get("class", "")).startswith("cli-exit-"):
        status = step["class"].rsplit("-", 1)[1]
        # The message up to any echoed value (a token, a JSON fragment), which varies run to run.
        message = re.split(r"[{'\"]", step.get("message", ""), maxsplit=1)[0].rstrip(" :")[:100]
        message = message or step.get("message", "").replace("'", "").replace('"', "")[:80]
        return f"exits {status}: {step.get('code') or message}"
    text = f"raises {step.get('class')}"
    if step.get("code") and step.get("code") != step.get("class"):
        text += f" ({step['code']})"
    if step.get("modelled") is False and step.get("class") not in (None, what):
        text += ", not a modelled exception"
    if step.get("retries"):
        text += f" after {step['retries']} retries"
    if "after_pages" in step:
        text += f" after {plural(step['after_pages'], 'page')}"
    return text


def compare_step(want, got):
    """One step's outcome against the faithful one: `None` when identical, else a sentence."""
    if got == want:
        return None
    outcome = got.get("outcome")
    if outcome == "loop":
        if "pages" in got:
            return f"loops (more than {got['pages'] - 1} pages)"
        return f"loops (cut at {got.get('items')} items)"
    if outcome == "hang":
        return "hangs until its timeout"
    if outcome == "exception":
        if want.get("outcome") == "exception" and (want.get("code"), want.get("class")) == (got.get("code"), got.get("class")):
            if want.get("message") != got.get("message"):
                told = "with no message" if not got.get("message") else "with another message"
                return f"{describe_failure(got)} {told}"
            return None if want.get("retries") == got.get("retries") else describe_failure(got)
        return describe_failure(got)
    if want.get("outcome") == "exception":
        return "succeeds where the faithful reference's answer raised " + str(want.get("code") or want.get("class"))
    want_items, got_items = want.get("items"), got.get("items")
    if want_items == [] and got_items is None and want.get("outcome") == "ok":
        return EMPTY_LIST_ABSENT
    if isinstance(want_items, list) and isinstance(got_items, list):
        diff = compare_items(want_items, got_items)
        if not diff:
            return None
        return diff if diff == ORDER_ONLY else diff + ", no error"
    if want.get("response") != got.get("response"):
        return "returns a different response, no error"
    return None


def impact(faithful, measured):
    """Per SDK, the steps whose outcome differs from the faithful run, with a sentence each."""
    out = {}
    for sdk, result in measured.items():
        base = faithful[sdk]["steps"]
        diffs = {}
        for step, got in sorted(result["steps"].items()):
            sentence = compare_step(base.get(step), got) if step in base else "a step the faithful run lacks"
            if sentence:
                diffs[step] = sentence
        out[sdk] = diffs
    return out


def breaks(sentence):
    """Whether a difference breaks a caller: any stable order and another wording of an error
    message are allowed (the wording is STRICT in the contract, never a finding by default)."""
    return sentence not in (ORDER_ONLY, EMPTY_LIST_ABSENT) and not sentence.endswith("with another message")


def brief(diffs):
    """The distinct sentences for a target and SDK, without the steps and the fixtures' counts:
    what a finding quotes."""
    if not diffs:
        return "no difference"
    general = []
    raised = []
    for sentence in diffs.values():
        sentence = re.sub(r"\b\d+ of \d+ items? missing", "items missing", sentence)
        sentence = re.sub(r"\b\d+ items? repeated", "items repeated", sentence)
        sentence = re.sub(r"\b\d+ extra items?", "extra items", sentence)
        sentence = sentence.replace("after 0 pages", "on the first page")
        match = re.fullmatch(r"succeeds where the faithful reference's answer raised (\S+)", sentence)
        if match:
            raised.append(match.group(1))
        else:
            general.append(sentence)
    if raised:
        general.insert(0, "succeeds where the faithful reference raises " + ", ".join(dict.fromkeys(raised)))
    # Each part once; "no error" said once, at the end, when the caller saw no error at all.
    quiet = any(s.endswith(", no error") for s in general)
    parts = [p.removesuffix(", no error") for s in general for p in s.split("; ")]
    text = "; ".join(dict.fromkeys(parts))
    return f"{text}, no error" if quiet and len(general) == sum(s.endswith(", no error") for s in general) else text


def summary(diffs):
    """One line for a target and SDK: each distinct sentence once, with the steps it came from."""
    if not diffs:
        return "no difference"
    by_sentence = {}
    for step, sentence in diffs.items():
        by_sentence.setdefault(sentence, []).append(step.split(":")[0])
    parts = []
    for sentence, steps in by_sentence.items():
        names = sorted(set(steps))
        parts.append(f"{sentence} ({', '.join(names)})")
    return "; ".join(parts)


# What the throttles of every form say, and nothing the faithful reference ever says.
THROTTLE_MESSAGE = "Rate exceeded"


def without_retries(step):
    """A step's outcome without the count of retries the SDK made to reach it."""
    return {k: v for k, v in (step or {}).items() if k != "retries"}


def throttle_rows(faithful, measured):
    """Per SDK, whether it retried the throttle form it met on every distinct request: every step
    as against the faithful reference (retries aside) means it retried; else what its caller saw."""
    out = {}
    for sdk, result in measured.items():
        base = faithful[sdk]["steps"]
        diffs = {}
        for step, got in sorted(result["steps"].items()):
            sentence = compare_step(without_retries(base.get(step)), without_retries(got))
            if sentence:
                diffs[step] = sentence
        throttles = sum(THROTTLE_MESSAGE in body for _, _, body in result["answers"])
        row = {"retried": bool(throttles) and not diffs, "met": bool(throttles), "steps": diffs,
               "throttles": throttles, "requests": len(result["answers"])}
        row["brief"] = throttle_brief(row)
        out[sdk] = row
    return out


def throttle_brief(row):
    """Whether the SDK retried the form, or what its caller saw instead."""
    if not row["met"]:
        return "not met: no throttle reached the probe"
    if not row["steps"]:
        return "retries it"
    # Where in a walk the throttle surfaced is the scenario's, not the SDK's.
    parts = (re.sub(r" (on the first page|after \d+ pages?)$", "", p) for p in brief(row["steps"]).split("; "))
    return "does not retry it: " + "; ".join(dict.fromkeys(parts))


def measure_all(binary, targets, jobs, sdks):
    ids = fixture_ids(binary)
    faithful = measure(binary, "faithful", ids, sdks)
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(measure, binary, t, ids, sdks): t for t in targets}
        for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            target = futures[fut]
            results[target] = fut.result()
            print(f"[{n}/{len(targets)}] {target}", file=sys.stderr)
    versions = {sdk: r["version"] for sdk, r in faithful.items()}
    if "boto3" in faithful:
        versions["botocore"] = faithful["boto3"].get("botocore")
    data = {
        "measured": datetime.date.today().isoformat(),
        "sdks": versions,
        "faithful_steps": {sdk: sorted(r["steps"]) for sdk, r in faithful.items()},
        "targets": {},
        "throttle_forms": {},
    }
    for target in sorted(results):
        if target.startswith("throttle-form:"):
            data["throttle_forms"][target.split(":", 1)[1]] = throttle_rows(faithful, results[target])
            continue
        diffs = impact(faithful, results[target])
        data["targets"][target] = {
            sdk: {
                "summary": summary(d),
                "brief": brief(d),
                "steps": d,
                # Whether any answer this probe got differs from the faithful reference's.
                "met": results[target][sdk]["answers"] != faithful[sdk]["answers"],
            }
            for sdk, d in diffs.items()
        }
    return data, faithful


def unmet_differences(data):
    """A probe that saw a difference through answers identical to the faithful ones: the probe or
    the server is not deterministic, and the data would not be worth committing."""
    return [f"{target} {sdk}: {row['summary']}" for target, per in data["targets"].items()
            for sdk, row in per.items() if row["steps"] and not row["met"]]


def faithful_problems(faithful):
    """What the faithful reference must show every SDK: every fixture paged through, no
    duplicates, dates parsed, TaskType visible, each error a modelled exception where modelled."""
    problems = []
    for sdk, result in faithful.items():
        steps = result["steps"]
        for name, step in steps.items():
            if name.startswith(("paginate", "filter")):
                if step.get("outcome") != "ok":
                    problems.append(f"{sdk} {name}: {step}")
                    continue
                items = step["items"]
                if len({key(i) for i in items}) != len(items):
                    problems.append(f"{sdk} {name}: duplicated items")
                for i in items:
                    if "TaskType" not in i:
                        problems.append(f"{sdk} {name}: an item without TaskType")
                        break
                    # The CLI v1 prints timestamps as the wire has them (cli_timestamp_format none).
                    dated = sdk == "aws-cli" or re.match(r"\d{4}-\d\d-\d\dT", str(i.get("StartTime", "2")))
                    if "StartTime" in i and not dated:
                        problems.append(f"{sdk} {name}: StartTime not read as a date: {i['StartTime']}")
                        break
                if name == "filter-status" and any(i.get("Status") not in ("SUCCESS", "FAILED") for i in items):
                    problems.append(f"{sdk} filter-status: an item of another status")
        for name, code in (("unknown-id", "DoesNotExistException"), ("garbage-token", "InvalidNextToken")):
            step = steps.get(name, {})
            # The Rust SDK models only this operation's own errors (DoesNotExist, InternalServerError).
            modelled_here = sdk not in ("aws-cli",) and not (sdk == "rust-sdk" and code == "InvalidNextToken")
            if step.get("code") != code or (modelled_here and not step.get("modelled")):
                problems.append(f"{sdk} {name}: expected the modelled {code}, got {step}")
    return problems


def render(data):
    sdks = [s for s in PROBES if s in data["sdks"]]
    lines = [
        "# SDK impact of each deviation",
        "",
        "Measured by `clients/impact.py` (do not edit by hand: `impact.py --write` regenerates it) on "
        f"{data['measured']} with " + ", ".join(f"{s} {data['sdks'][s]}" for s in sdks)
        + f" (botocore {data['sdks'].get('botocore')}).",
        "Each probe runs one scenario (paginators at page size 10 and default over every fixture, a STATUS",
        "filter walk, an unknown id, an invalid id, MaxResults 9 and 101, a garbage token, another operation)",
        "against `ssm-conform serve --fault NAME` / `--variant NAME`, compared step by step with the same",
        "probe against the faithful reference. \"no difference\" means that SDK's caller sees exactly what it",
        "sees from the faithful reference although the deviation changed what the server answered it; \"not met",
        "by the probe\" means every answer that probe got was byte for byte the faithful one (a recording proxy",
        "between probe and server compares them), so nothing is known of that SDK and this deviation.",
        "",
    ]
    lines += table("target", {t: [cell(per_sdk[s]) for s in sdks] for t, per_sdk in data["targets"].items()}, sdks)
    lines += [
        "",
        "## Which throttle forms each SDK retries",
        "",
        "Each form is served by `ssm-conform serve --throttle-once --throttle-form NAME`: every distinct",
        "request is throttled once, on its first attempt, in that form, then answered faithfully. An SDK that",
        "retries the form gives its caller exactly what the faithful reference gives (retries aside); one that",
        "does not shows its caller the throttle. The probes run each SDK's default retry mode, except boto3,",
        "which its probe sets to `standard` (the AWS CLI v1 keeps its default). `ssm-conform serve",
        "--list-throttle-forms` describes each form; the `throttle-shape` findings quote this table.",
        "",
    ]
    forms = data.get("throttle_forms", {})
    lines += table("throttle form", {f: [per_sdk.get(s, {}).get("brief", "") for s in sdks] for f, per_sdk in forms.items()}, sdks)
    return "\n".join(lines) + "\n"


def table(first, rows, sdks):
    """A Markdown table: `first` and one column per SDK, a row per key of `rows` (its cells)."""
    out = [f"| {first} | " + " | ".join(sdks) + " |", "|---|" + "---|" * len(sdks)]
    for key, cells in rows.items():
        out.append(f"| `{key}` | " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return out


def unmeasured_row(target, sdks):
    """The row of a timing-dependent target: not measured, and why."""
    why = f"not measured: {UNMEASURED[target]}"
    return {sdk: {"summary": why, "brief": why, "steps": {}, "met": False, "unmeasured": True} for sdk in sdks}


def cell(row):
    """A table cell: the brief outcome, or that the probe's scenario never met the deviation."""
    if row.get("unmeasured"):
        return row["brief"]
    if not row.get("met", True):
        return "not met by the probe"
    return row["brief"]


def check(data):
    """Compares what was measured (those SDKs only) with the committed data."""
    committed = json.loads(DATA.read_text())
    measured = set(data["faithful_steps"])
    committed["sdks"] = {
        k: v for k, v in committed["sdks"].items() if k in measured or (k == "botocore" and "boto3" in measured)
    }
    for row in [*committed["targets"].values(), *committed.get("throttle_forms", {}).values()]:
        for sdk in list(row):
            if sdk not in measured:
                del row[sdk]
    if committed["sdks"] != data["sdks"]:
        print(f"SDK versions changed: committed {committed['sdks']}, installed {data['sdks']}; "
              "re-measure with impact.py --write and review the diff", file=sys.stderr)
        return 1
    drift = []
    for target in sorted((set(committed["targets"]) | set(data["targets"])) - set(UNMEASURED)):
        old, new = committed["targets"].get(target), data["targets"].get(target)
        if old is None or new is None:
            drift.append(f"{target}: {'not in the committed data' if old is None else 'no longer measured'}")
            continue
        for sdk in sorted(set(old) | set(new)):
            if old.get(sdk) != new.get(sdk):
                drift.append(f"{target} {sdk}: committed {old.get(sdk, {}).get('summary')!r}, "
                             f"measured {new.get(sdk, {}).get('summary')!r}")
    old_forms, new_forms = committed.get("throttle_forms", {}), data["throttle_forms"]
    for form in sorted(set(old_forms) | set(new_forms)):
        for sdk in sorted(set(old_forms.get(form, {})) | set(new_forms.get(form, {}))):
            old, new = (f.get(form, {}).get(sdk, {}) for f in (old_forms, new_forms))
            if (old.get("retried"), old.get("brief")) != (new.get("retried"), new.get("brief")):
                drift.append(f"throttle form {form} {sdk}: committed {old.get('brief')!r}, measured {new.get('brief')!r}")
    for line in drift:
        print(f"drift: {line}", file=sys.stderr)
    return 1 if drift else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(ROOT / "target/release/ssm-conform"))
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--only", action="append",
                        help="measure only this target (fault:NAME, variant:NAME or throttle-form:NAME)")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--sdk", action="append", choices=sorted(PROBES),
                        help="measure only this SDK (repeatable; default: every probe, rust-sdk when built)")
    parser.add_argument("--rerender", action="store_true",
                        help="recompute the sentences and docs/sdk-impact.md from the committed steps, measuring nothing")
    args = parser.parse_args()
    if args.rerender:
        data = json.loads(DATA.read_text())
        for target, per_sdk in data["targets"].items():
            if target in UNMEASURED:
                data["targets"][target] = unmeasured_row(target, list(per_sdk))
                continue
            for row in per_sdk.values():
                row["summary"], row["brief"] = summary(row["steps"]), brief(row["steps"])
        for per_sdk in data.get("throttle_forms", {}).values():
            for row in per_sdk.values():
                row["brief"] = throttle_brief(row)
        DATA.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        DOC.write_text(render(data))
        return 0
    targets = args.only or [
        # The second operation's faults and variants (`executions-…`) are left out: the probes'
        # scenario here calls the first operation only (clients/executions_check.py reads the
        # second's faithful answers).
        t for t in [f"fault:{f}" for f in catalogue(args.bin, "--list-faults") if not f.startswith("executions-")]
        + [f"variant:{v}" for v in catalogue(args.bin, "--list-variants") if not v.startswith("executions-")]
        + [f"throttle-form:{f}" for f in catalogue(args.bin, "--list-throttle-forms")]
        if t not in UNMEASURED
    ]
    sdks = args.sdk or [s for s in PROBES if s != "rust-sdk" or RUST_PROBE.exists()]
    if args.write and set(sdks) != set(PROBES):
        print(f"--write needs every probe (missing: {sorted(set(PROBES) - set(sdks))}; "
              "build clients/rust with cargo build --release)", file=sys.stderr)
        return 2
    started = time.time()
    data, faithful = measure_all(args.bin, targets, args.jobs, sdks)
    problems = faithful_problems(faithful) + [f"not deterministic: {u}" for u in unmet_differences(data)]
    for p in problems:
        print(f"faithful reference: {p}", file=sys.stderr)
    broken_variants = [f"{t} {sdk}: {d['summary']}" for t, per in data["targets"].items()
                       if t.startswith("variant:") and t not in DATA_CHANGES
                       for sdk, d in per.items() if any(breaks(s) for s in d["steps"].values())]
    for v in broken_variants:
        print(f"a variant breaks an SDK (the contract's EITHER may be wrong): {v}", file=sys.stderr)
    print(f"measured {len(targets)} targets with {len(sdks)} probes in {time.time() - started:.0f}s", file=sys.stderr)
    status = 1 if problems else 0
    if args.write:
        for target in UNMEASURED:
            data["targets"][target] = unmeasured_row(target, sdks)
        if args.only:
            # Only these targets were measured: the rest of the committed data stands (its date
            # and versions with it, which say when the rest was measured).
            data = merged(json.loads(DATA.read_text()), data)
        DATA.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        DOC.write_text(render(data))
    elif args.check:
        status = max(status, check(data))
    else:
        json.dump(data, sys.stdout, indent=1, sort_keys=True)
    return status


def merged(committed, measured):
    """The committed data with the targets and throttle forms just measured put in."""
    committed["targets"] = dict(sorted({**committed["targets"], **measured["targets"]}.items()))
    forms = {**committed.get("throttle_forms", {}), **measured.get("throttle_forms", {})}
    committed["throttle_forms"] = dict(sorted(forms.items()))
    return committed


if __name__ == "__main__":
    sys.exit(main())
