// The AWS SDK for JavaScript v3 probe: the same fixed scenario as clients/python/probe.py,
// printed as normalised JSON (the same step names and outcome shapes, so impact.py compares
// them alike). Dummy credentials; every call has a timeout; a paginator that passes MAX_PAGES
// pages is a "loop".
//
//   node probe.mjs [--endpoint URL] --execution-id ID [--execution-id ID ...] --random-id ID
//   node probe.mjs --endpoint URL --executions --window-id W [...] --random-id W --instant T
//
// With --executions the scenario is the second operation's (DescribeMaintenanceWindowExecutions),
// with the step names of clients/python/probe.py --executions.

import {
  SSMClient,
  SSMServiceException,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DescribeInstanceInformationCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  paginateDescribeMaintenanceWindowExecutionTasks,
  paginateDescribeMaintenanceWindowExecutions,
} from "@aws-sdk/client-ssm";
import { readFileSync } from "node:fs";

const MAX_PAGES = 100;
const TIMEOUT_MS = 5000;
const STATUS_FILTER = [{ Key: "STATUS", Values: ["SUCCESS", "FAILED"] }];

function parseArgs(argv) {
  const out = { ids: [], windows: [], instant: "2024-12-30T00:00:00Z" };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === "--executions") {
      out.executions = true;
      i -= 1;
      continue;
    }
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--endpoint") out.endpoint = value;
    else if (flag === "--execution-id") out.ids.push(value);
    else if (flag === "--window-id") out.windows.push(value);
    else if (flag === "--instant") out.instant = value;
    else if (flag === "--random-id") out.randomId = value;
    else throw new Error(`unknown argument ${flag}`);
  }
  if (out.executions) {
    if (out.windows.length === 0 || !out.randomId) throw new Error("--executions needs --window-id and --random-id");
    return out;
  }
  // Without --endpoint the SDK finds it itself, in AWS_ENDPOINT_URL_SSM (as under
  // `ssm-conform proxy -- ...`).
  if (out.ids.length === 0 || !out.randomId) {
    throw new Error("usage: probe.mjs [--endpoint URL] --execution-id ID [...] --random-id ID");
  }
  return out;
}

/** JSON-ready: Dates as ISO-8601 UTC with milliseconds, members sorted, $metadata dropped. */
function normalise(value) {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => k !== "$metadata" && value[k] !== undefined)
        .sort()
        .map((k) => [k, normalise(value[k])]),
    );
  }
  return value;
}

/** What an exception says: its class, whether the SDK models it, its code, status and retries. */
function failure(err) {
  const meta = err?.$metadata ?? {};
  const modelled = err instanceof SSMServiceException && err.constructor !== SSMServiceException;
  const out = {
    outcome: "exception",
    class: err?.constructor?.name ?? typeof err,
    code: err?.name ?? null,
    modelled,
    status: meta.httpStatusCode ?? null,
    retries: Math.max(0, (meta.attempts ?? 1) - 1),
  };
  // What the caller reads as the message (v3 falls back to the name when the body has none).
  out.message = String(err?.message ?? err).slice(0, 200);
  if (err?.name === "TimeoutError" || /timed? ?out/i.test(String(err?.message))) out.outcome = "hang";
  return out;
}

async function paginate(client, input, pageSize, paginator = paginateDescribeMaintenanceWindowExecutionTasks, key = "WindowExecutionTaskIdentities") {
  const items = [];
  let pages = 0;
  try {
    const config = pageSize ? { client, pageSize } : { client };
    for await (const page of paginator(config, input)) {
      pages += 1;
      items.push(...(page[key] ?? []));
      if (pages > MAX_PAGES) return { outcome: "loop", pages, items: items.length };
    }
  } catch (err) {
    return { ...failure(err), after_pages: pages };
  }
  return { outcome: "ok", pages, items: normalise(items) };
}

/** Every page of the second operation, bounded as `paginate`. */
function paginateExecutions(client, input, pageSize) {
  return paginate(client, input, pageSize, paginateDescribeMaintenanceWindowExecutions, "WindowExecutions");
}

/** The second operation's scenario: the step names of probe.py --executions. */
async function executionsSteps(client, args) {
  const op = (input) => new DescribeMaintenanceWindowExecutionsCommand(input);
  const after = [{ Key: "ExecutedAfter", Values: [args.instant] }];
  const steps = {};
  for (const [i, window] of args.windows.entries()) {
    steps[`executions-paginate-10:${i}`] = await paginateExecutions(client, { WindowId: window }, 10);
    steps[`executions-paginate-default:${i}`] = await paginateExecutions(client, { WindowId: window });
  }
  const first = args.windows[0];
  steps["executions-filter-after"] = await paginateExecutions(client, { WindowId: first, Filters: after });
  steps["executions-unknown-window"] = await call(client, op({ WindowId: args.randomId }));
  steps["executions-invalid-window"] = await call(client, op({ WindowId: "mw-1" }));
  steps["executions-max-results-9"] = await call(client, op({ WindowId: first, MaxResults: 9 }));
  return steps;
}

async function call(client, command) {
  try {
    return { outcome: "ok", response: normalise(await client.send(command)) };
  } catch (err) {
    return failure(err);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const client = new SSMClient({
    ...(args.endpoint ? { endpoint: args.endpoint } : {}),
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDSSMCONFORMPROBE0", secretAccessKey: "ssm-conform-probe-dummy-secret" },
    requestHandler: { connectionTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS },
  });
  const op = (input) => new DescribeMaintenanceWindowExecutionTasksCommand(input);
  const steps = args.executions ? await executionsSteps(client, args) : {};
  if (!args.executions) await tasksSteps(client, args, op, steps);
  const pkg = JSON.parse(readFileSync(new URL("./node_modules/@aws-sdk/client-ssm/package.json", import.meta.url)));
  const sorted = Object.fromEntries(Object.keys(steps).sort().map((k) => [k, steps[k]]));
  process.stdout.write(JSON.stringify({ sdk: "js-v3", version: pkg.version, steps: sorted }, null, 1) + "\n");
}

/** The first operation's scenario. */
async function tasksSteps(client, args, op, steps) {
  for (const [i, id] of args.ids.entries()) {
    steps[`paginate-10:${i}`] = await paginate(client, { WindowExecutionId: id }, 10);
    steps[`paginate-default:${i}`] = await paginate(client, { WindowExecutionId: id });
  }
  const first = args.ids[0];
  steps["filter-status"] = await paginate(client, { WindowExecutionId: first, Filters: STATUS_FILTER });
  steps["unknown-id"] = await call(client, op({ WindowExecutionId: args.randomId }));
  steps["invalid-id"] = await call(client, op({ WindowExecutionId: "not-an-execution-id" }));
  steps["max-results-9"] = await call(client, op({ WindowExecutionId: first, MaxResults: 9 }));
  steps["max-results-101"] = await call(client, op({ WindowExecutionId: first, MaxResults: 101 }));
  steps["garbage-token"] = await call(client, op({ WindowExecutionId: first, NextToken: "garbage" }));
  steps["other-operation"] = await call(client, new DescribeInstanceInformationCommand({}));
}

main().catch((err) => {
  process.stderr.write(`probe.mjs: ${err.message}\n`);
  process.exit(2);
});
