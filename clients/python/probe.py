#!/usr/bin/env python3
"""The boto3 / AWS CLI probe: one fixed scenario against an endpoint, printed as normalised JSON.

Each step records what the SDK did: the items it returned (normalised: timestamps as ISO-8601
UTC, members sorted), the exception it raised (class, whether the SDK models it, its code and how
many retries it made), a paginator that passed MAX_PAGES pages ("loop") or a call that outlived
its timeout ("hang"). `impact.py` compares the outcome with the same probe against the faithful
reference. Dummy credentials; every call has a timeout.

    probe.py --endpoint URL --execution-id ID [--execution-id ID ...] --random-id ID [--cli]
    probe.py --endpoint URL --executions --window-id W [...] --random-id W --instant T [--cli]

With --executions the scenario is the second operation's, DescribeMaintenanceWindowExecutions
(contract §9): each window paged at size 10 and by default, an ExecutedAfter filter at the
instant T, an unknown window (--random-id), an invalid one, MaxResults 9.

Without --endpoint, boto3 finds the endpoint itself, in AWS_ENDPOINT_URL_SSM (as under
`ssm-conform proxy -- ...`).

With --cli the same scenario runs through the AWS CLI v1 (`aws ssm ...`) instead of boto3.
"""

import argparse
import datetime
import json
import os
import sys

import boto3
import botocore
import botocore.config
import botocore.exceptions

OPERATION = "describe_maintenance_window_execution_tasks"
MAX_PAGES = 100
TIMEOUT = 5
STATUS_FILTER = [{"Key": "STATUS", "Values": ["SUCCESS", "FAILED"]}]


def normalise(value):
    """JSON-ready: datetimes as ISO-8601 UTC with milliseconds, everything else as it is."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        text = value.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def client(endpoint):
    config = botocore.config.Config(
        connect_timeout=TIMEOUT,
        read_timeout=TIMEOUT,
        retries={"mode": "standard"},
    )
    return boto3.session.Session(
        aws_access_key_id="AKIDSSMCONFORMPROBE0",
        aws_secret_access_key="ssm-conform-probe-dummy-secret",
        region_name="us-east-1",
    ).client("ssm", endpoint_url=endpoint, config=config)


def failure(exc):
    """What an exception says: its class, whether the SDK models it, its code, retries."""
    out = {"outcome": "exception", "class": type(exc).__name__}
    if isinstance(exc, botocore.exceptions.ClientError):
        err = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        out["code"] = err.get("Code")
        out["modelled"] = type(exc).__name__ != "ClientError"
        out["status"] = meta.get("HTTPStatusCode")
        out["retries"] = meta.get("RetryAttempts", 0)
        out["message"] = (err.get("Message") or "")[:200]
    else:
        out["modelled"] = False
        out["message"] = str(exc)[:200]
    if isinstance(exc, (botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectTimeoutError)):
        out["outcome"] = "hang"
    return out


def paginate(ssm, operation=OPERATION, items_key="WindowExecutionTaskIdentities", **params):
    """Every page through boto3's paginator; a loop past MAX_PAGES pages is reported as one."""
    items, pages = [], 0
    try:
        for page in ssm.get_paginator(operation).paginate(**params):
            pages += 1
            items.extend(page.get(items_key, []))
            if pages > MAX_PAGES:
                return {"outcome": "loop", "pages": pages, "items": len(items)}
    except Exception as exc:  # noqa: BLE001 - every failure is data here
        out = failure(exc)
        out["after_pages"] = pages
        return out
    return {"outcome": "ok", "pages": pages, "items": normalise(items)}


def call(ssm, method, **params):
    try:
        resp = getattr(ssm, method)(**params)
    except Exception as exc:  # noqa: BLE001
        return failure(exc)
    resp.pop("ResponseMetadata", None)
    return {"outcome": "ok", "response": normalise(resp)}


def boto3_steps(endpoint, ids, random_id):
    ssm = client(endpoint)
    steps = {}
    for i, exec_id in enumerate(ids):
        steps[f"paginate-10:{i}"] = paginate(
            ssm, WindowExecutionId=exec_id, PaginationConfig={"PageSize": 10}
        )
        steps[f"paginate-default:{i}"] = paginate(ssm, WindowExecutionId=exec_id)
    steps["filter-status"] = paginate(ssm, WindowExecutionId=ids[0], Filters=STATUS_FILTER)
    steps["unknown-id"] = call(ssm, OPERATION, WindowExecutionId=random_id)
    steps["invalid-id"] = call(ssm, OPERATION, WindowExecutionId="not-an-execution-id")
    steps["max-results-9"] = call(ssm, OPERATION, WindowExecutionId=ids[0], MaxResults=9)
    steps["max-results-101"] = call(ssm, OPERATION, WindowExecutionId=ids[0], MaxResults=101)
    steps["garbage-token"] = call(ssm, OPERATION, WindowExecutionId=ids[0], NextToken="garbage")
    steps["other-operation"] = call(ssm, "describe_instance_information")
    return steps


_DRIVER = None


def cli(endpoint, args):
    """One `aws ssm` command, run in this process by the CLI's own driver (a process per command
    would cost a second of start-up each): its parsed JSON output, or its exit status and error."""
    import contextlib
    import io

    from awscli.clidriver import create_clidriver

    os.environ.update(
        AWS_ACCESS_KEY_ID="AKIDSSMCONFORMPROBE0",
        AWS_SECRET_ACCESS_KEY="ssm-conform-probe-dummy-secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_PAGER="",
    )
    argv = ["ssm", *args, "--endpoint-url", endpoint, "--output", "json",
            "--cli-connect-timeout", str(TIMEOUT), "--cli-read-timeout", str(TIMEOUT)]
    out, err = io.StringIO(), io.StringIO()
    global _DRIVER
    if _DRIVER is None:
        _DRIVER = create_clidriver()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = _DRIVER.main(argv)
        except SystemExit as exc:  # argument errors exit
            status = exc.code if isinstance(exc.code, int) else 2
    if status != 0:
        lines = [l for l in err.getvalue().strip().splitlines() if l.strip()]
        last = lines[-1] if lines else ""
        code = last.split("(", 1)[1].split(")", 1)[0] if last.startswith("An error occurred (") else None
        return {"outcome": "exception", "class": "cli-exit-%d" % status, "code": code, "message": last[:200]}
    try:
        parsed = json.loads(out.getvalue() or "{}")
    except json.JSONDecodeError:
        return {"outcome": "exception", "class": "unreadable-output", "message": out.getvalue()[:200]}
    items = parsed.get("WindowExecutionTaskIdentities")
    if "NextToken" in parsed and "--max-items" in args:
        # Cut short at --max-items: far more than any fixture holds, so the walk did not end.
        return {"outcome": "loop", "items": len(items or [])}
    return {"outcome": "ok", "items": items, "response": parsed}


EXECUTIONS = "describe_maintenance_window_executions"


def paginate_executions(ssm, **params):
    """Every page of the second operation through boto3's paginator, bounded as `paginate`."""
    return paginate(ssm, operation=EXECUTIONS, items_key="WindowExecutions", **params)


def boto3_executions_steps(endpoint, windows, random_window, instant):
    ssm = client(endpoint)
    after = [{"Key": "ExecutedAfter", "Values": [instant]}]
    steps = {}
    for i, window in enumerate(windows):
        steps[f"executions-paginate-10:{i}"] = paginate_executions(
            ssm, WindowId=window, PaginationConfig={"PageSize": 10}
        )
        steps[f"executions-paginate-default:{i}"] = paginate_executions(ssm, WindowId=window)
    steps["executions-filter-after"] = paginate_executions(ssm, WindowId=windows[0], Filters=after)
    steps["executions-unknown-window"] = call(ssm, EXECUTIONS, WindowId=random_window)
    steps["executions-invalid-window"] = call(ssm, EXECUTIONS, WindowId="mw-1")
    steps["executions-max-results-9"] = call(ssm, EXECUTIONS, WindowId=windows[0], MaxResults=9)
    return steps


def cli_executions_steps(endpoint, windows, random_window, instant):
    op = "describe-maintenance-window-executions"
    walk = [op, "--max-items", str(MAX_PAGES * 10)]
    after = json.dumps([{"Key": "ExecutedAfter", "Values": [instant]}])
    steps = {}
    for i, window in enumerate(windows):
        steps[f"executions-paginate-10:{i}"] = cli_items(cli(endpoint, [*walk, "--window-id", window, "--page-size", "10"]))
        steps[f"executions-paginate-default:{i}"] = cli_items(cli(endpoint, [*walk, "--window-id", window]))
    steps["executions-filter-after"] = cli_items(cli(endpoint, [*walk, "--window-id", windows[0], "--filters", after]))
    steps["executions-unknown-window"] = cli(endpoint, [op, "--window-id", random_window])
    steps["executions-invalid-window"] = cli(endpoint, [op, "--window-id", "mw-1"])
    steps["executions-max-results-9"] = cli(endpoint, [op, "--window-id", windows[0], "--max-items", "9", "--page-size", "9"])
    return steps


def cli_items(step):
    """A CLI walk of the second operation: its executions as the items (`cli` reads the first's)."""
    if step.get("outcome") == "ok":
        step["items"] = step.get("response", {}).get("WindowExecutions", [])
    return step


def cli_steps(endpoint, ids, random_id):
    op = "describe-maintenance-window-execution-tasks"
    # The CLI paginates by itself (all pages, merged; --page-size sets MaxResults) with no page
    # limit of its own: --max-items bounds a walk that never ends.
    walk = [op, "--max-items", str(MAX_PAGES * 10)]
    steps = {}
    for i, exec_id in enumerate(ids):
        steps[f"paginate-10:{i}"] = cli(endpoint, [*walk, "--window-execution-id", exec_id, "--page-size", "10"])
        steps[f"paginate-default:{i}"] = cli(endpoint, [*walk, "--window-execution-id", exec_id])
    steps["filter-status"] = cli(endpoint, [*walk, "--window-execution-id", ids[0], "--filters", json.dumps(STATUS_FILTER)])
    steps["unknown-id"] = cli(endpoint, [op, "--window-execution-id", random_id])
    steps["invalid-id"] = cli(endpoint, [op, "--window-execution-id", "not-an-execution-id"])
    steps["max-results-9"] = cli(endpoint, [op, "--window-execution-id", ids[0], "--max-items", "9", "--page-size", "9"])
    steps["max-results-101"] = cli(endpoint, [op, "--window-execution-id", ids[0], "--page-size", "101"])
    steps["garbage-token"] = cli(endpoint, [op, "--window-execution-id", ids[0], "--starting-token", "garbage"])
    steps["other-operation"] = cli(endpoint, ["describe-instance-information"])
    return steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="default: what boto3 reads from AWS_ENDPOINT_URL_SSM (boto3 only)")
    parser.add_argument("--execution-id", action="append", dest="ids", default=[])
    parser.add_argument("--random-id", required=True)
    parser.add_argument("--executions", action="store_true", help="the second operation's scenario")
    parser.add_argument("--window-id", action="append", dest="windows", default=[])
    parser.add_argument("--instant", default="2024-12-30T00:00:00Z", help="the ExecutedAfter filter's instant")
    parser.add_argument("--cli", action="store_true", help="run the scenario through the AWS CLI v1")
    args = parser.parse_args()
    if args.cli and not args.endpoint:
        parser.error("--cli needs --endpoint")
    if args.executions != bool(args.windows) or (not args.executions and not args.ids):
        parser.error("give --execution-id, or --executions with --window-id")
    if args.executions:
        import awscli

        if args.cli:
            sdk, version = "aws-cli", awscli.__version__
            steps = cli_executions_steps(args.endpoint, args.windows, args.random_id, args.instant)
        else:
            sdk, version = "boto3", boto3.__version__
            steps = boto3_executions_steps(args.endpoint, args.windows, args.random_id, args.instant)
    elif args.cli:
        import awscli

        sdk, version, steps = "aws-cli", awscli.__version__, cli_steps(args.endpoint, args.ids, args.random_id)
    else:
        sdk, version, steps = "boto3", boto3.__version__, boto3_steps(args.endpoint, args.ids, args.random_id)
    json.dump({"sdk": sdk, "version": version, "botocore": botocore.__version__, "steps": steps},
              sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
