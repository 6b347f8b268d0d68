// The HTML report (`--report html:PATH`) in a real headless browser: Debian's Chromium driven by
// playwright-core. Usage:
//   node tests/browser/html-report.mjs PATH-TO-ssm-conform OUT-DIR
// 1. `ssm-conform serve --fault pagination-drops-item`, and a hostile endpoint (below) that puts
//    markup, a script and terminal escapes in every answer;
// 2. `ssm-conform run --report html:...` against each (both must exit 1: findings);
// 3. each page opened from disk: no console error or warning, no page error, no request beyond
//    the file itself; the failing checks visible, with their finding, request, response and curl
//    line; "only what fails" hides what passes and keeps what fails; nothing the hostile endpoint
//    sent became an element, and its text is shown as text. Screenshots go to OUT-DIR.
// Exits 1 with one line per broken expectation.
import { spawn, execFile, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(process.env.PLAYWRIGHT_NODE_MODULES ? `${process.env.PLAYWRIGHT_NODE_MODULES}/` : import.meta.url);
const { chromium } = require("playwright-core");

const [bin, outDir] = process.argv.slice(2).map((p) => p && resolve(p));
if (!bin || !outDir) {
  console.error("usage: node tests/browser/html-report.mjs PATH-TO-ssm-conform OUT-DIR");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const problems = [];
const expect = (ok, what) => {
  if (!ok) problems.push(what);
};

// What the hostile endpoint puts in every answer: markup that would run or fetch if it were not
// escaped, a forged verdict line, terminal escapes and a bidirectional override.
const HOSTILE = `<img src=x onerror="console.error('img ran')"><script>console.error('script ran')</script><iframe src="https://example.com"></iframe>\n\u001b[31mFAIL forged\u001b[0m \u202eevil`;

/** A server that answers every request 400 with HOSTILE in the message and a header. */
function startHostile() {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const body = JSON.stringify({ __type: "ValidationException", message: HOSTILE });
      res.writeHead(400, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "<b>bold</b>" });
      res.end(body);
    });
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

/** `ssm-conform serve --fault NAME` on a free port; resolves to [child, url]. */
function startReference(fault) {
  const child = spawn(bin, ["serve", "--fault", fault, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((ok, fail) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) ok([child, line.trim()]);
    });
    child.on("exit", (code) => fail(new Error(`ssm-conform serve exited ${code}`)));
  });
}

/** Runs `ssm-conform run ARGS --report html:FILE` (asynchronously: the hostile endpoint lives
 * in this process); its exit status must be `want`. */
async function report(name, args, want) {
  const file = `${outDir}/${name}.html`;
  const run = ["run", ...args, "--seed", "1", "--color", "never", "--report", `html:${file}`];
  const [status, stderr] = await new Promise((ok) =>
    execFile(bin, run, { maxBuffer: 64 << 20 }, (e, _out, err) => ok([e ? e.code : 0, err])));
  expect(status === want, `${name}: ssm-conform run exited ${status}, expected ${want}: ${stderr.trim().slice(0, 300)}`);
  return file;
}

/** Opens `file`, records what the console and the network saw. */
async function open(browser, file) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const seen = { console: [], requests: [] };
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && seen.console.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => seen.console.push(`page error: ${e.message}`));
  page.on("request", (r) => seen.requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return [page, seen];
}

/** Console and network: silent, nothing fetched but the file. */
function quiet(name, file, seen) {
  expect(seen.console.length === 0, `${name}: console said ${JSON.stringify(seen.console)}`);
  const others = seen.requests.filter((u) => u !== pathToFileURL(file).href);
  expect(others.length === 0, `${name}: the page fetched ${JSON.stringify(others)}`);
}

async function checkFault(browser, file) {
  const [page, seen] = await open(browser, file);
  const walk = page.locator("#check-pagination-walk");
  expect(await page.locator("#summary").innerText().then((t) => t.includes("Does not conform")), "fault: the summary does not say it fails");
  expect(await walk.isVisible(), "fault: the pagination-walk row of the matrix is not visible");
  expect((await walk.innerText()).includes("fails"), `fault: pagination-walk row reads ${JSON.stringify(await walk.innerText())}`);
  const article = page.locator("article.unit.fail", { hasText: "pagination-walk" }).first();
  expect(await article.isVisible(), "fault: no visible finding of pagination-walk");
  expect(await article.locator("pre.curl").isVisible(), "fault: the finding has no visible curl line");
  const passing = page.locator("#matrix tr.pass").first();
  expect(await passing.isVisible(), "fault: no passing check is shown before filtering");
  await page.screenshot({ path: `${outDir}/fault.png` });
  await page.screenshot({ path: `${outDir}/fault-full.png`, fullPage: true });
  await page.locator("label[for=show-failing]").click();
  expect(!(await passing.isVisible()), "fault: 'only what fails' still shows a passing check");
  expect(await walk.isVisible() && await article.isVisible(), "fault: 'only what fails' hides the failing check");
  await page.screenshot({ path: `${outDir}/fault-only-failing.png` });
  quiet("fault", file, seen);
}

async function checkHostile(browser, file) {
  const [page, seen] = await open(browser, file);
  const smuggled = await page.locator("body img, body script, body iframe, body b").count();
  expect(smuggled === 0, `hostile: ${smuggled} elements the endpoint sent became markup`);
  const text = await page.locator("main").innerText();
  expect(text.includes("<img src=x onerror="), "hostile: the endpoint's markup is not shown as text");
  expect(text.includes("FAIL forged") && text.includes("\\u{202e}evil"), "hostile: the endpoint's text is not shown");
  expect(!text.includes("\u001b") && !text.includes("\u202e"), "hostile: a raw control or bidi character reached the page");
  const withExchange = page.locator("article.unit.fail", { has: page.locator("details") }).first();
  expect(await withExchange.isVisible(), "hostile: no finding shows its exchange");
  const response = withExchange.locator("details[open] pre").first();
  expect(await response.isVisible() && (await response.innerText()).startsWith("HTTP 400"), "hostile: the response is not shown");
  expect(await withExchange.locator("pre.curl").isVisible(), "hostile: the finding has no visible curl line");
  await withExchange.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${outDir}/hostile.png`, fullPage: false });
  quiet("hostile", file, seen);
}

const ids = execFileSync(bin, ["serve", "--list-fixtures"], { encoding: "utf8" })
  .split("\n").filter(Boolean).flatMap((l) => ["--execution-id", l.split(" ")[0]]);
const [reference, url] = await startReference("pagination-drops-item");
const hostile = await startHostile();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  await checkFault(browser, await report("fault", ["--endpoint", url, ...ids], 1));
  const hostileUrl = `http://127.0.0.1:${hostile.address().port}`;
  await checkHostile(browser, await report("hostile", ["--endpoint", hostileUrl, ...ids, "--property-cases", "50"], 1));
} finally {
  await browser.close();
  reference.kill();
  hostile.close();
}
for (const p of problems) console.log(`html report: ${p}`);
console.log(`html report: ${problems.length === 0 ? "ok" : `${problems.length} problems`} (screenshots in ${outDir})`);
process.exit(problems.length === 0 ? 0 : 1);
