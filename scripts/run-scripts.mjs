// Runs package.json scripts side by side, as many at a time as the machine has cores, and fails
// when any of them fails: `npm test` runs its checks (eslint, prettier, the generated files, tsc)
// this way. One after the other they took about a minute on a 2-core runner with cold caches
// (which is how `npm ci` leaves them), each using one core; two at a time, about half that. The
// commands stay in package.json, each under its own name (`npm run lint:eslint` runs one alone),
// and run as npm would run them: through the shell, with node_modules/.bin on the PATH. Each
// one's output is printed whole when it ends, so the outputs do not interleave.
//
// `--beside MAIN`: MAIN (`npm test`'s jest) runs at once, at the usual priority, its output
// live; the others run meanwhile at the lowest CPU priority, so they take only the CPU MAIN
// leaves idle, and their outputs are printed after MAIN's. jest on a 2-core runner leaves about
// a tenth of the CPU idle (its end-to-end tests wait on lock timeouts, Retry-After and injected
// latency), which is most of what the checks need: run before jest, they added about 30 s to
// `npm test` (docs/performance.md, "npm test"). A failed check fails the run all the same; it is
// reported after the tests rather than instead of them.
//
// Usage: node scripts/run-scripts.mjs [--beside MAIN] NAME...   (longest first: they start in
// the order given)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, setPriority } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(fileURLToPath(import.meta.url), "..", "..");
const scripts = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts ?? {};
const args = process.argv.slice(2);
const besideAt = args.indexOf("--beside");
const main = besideAt >= 0 ? args[besideAt + 1] : undefined;
const names = besideAt >= 0 ? args.filter((_, i) => i !== besideAt && i !== besideAt + 1) : args;
if (names.length === 0 || (besideAt >= 0 && main === undefined)) {
  process.stderr.write(
    "Usage: node scripts/run-scripts.mjs [--beside MAIN] NAME... (scripts of package.json)\n",
  );
  process.exit(64);
}
const unknown = [...(main === undefined ? [] : [main]), ...names].filter(
  (n) => typeof scripts[n] !== "string",
);
if (unknown.length > 0) {
  process.stderr.write(`run-scripts: package.json has no script ${unknown.join(", ")}\n`);
  process.exit(64);
}

const env = {
  ...process.env,
  PATH: [join(REPO, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter),
};

/** Runs one script; resolves with its exit code, its output (unless live) and its seconds. */
function run(name, live = false) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(scripts[name], {
      cwd: REPO,
      env,
      shell: true,
      stdio: live ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    const finish = (code) => done({ name, code, output, seconds: (Date.now() - started) / 1000 });
    child.on("error", (e) => finish(`${e.message}`));
    child.on("close", (code, signal) => finish(code ?? signal));
  });
}

function report(r) {
  const verdict = r.code === 0 ? "ok" : `FAILED (${r.code})`;
  process.stdout.write(`\n> ${r.name}: ${scripts[r.name]}\n${r.output}`);
  process.stdout.write(
    `${r.output.endsWith("\n") || r.output === "" ? "" : "\n"}< ${r.name} ${verdict}, ${r.seconds.toFixed(1)} s\n`,
  );
}

// MAIN first, at this process's priority; then this process (and so every script it starts
// after) drops to the lowest, which MAIN keeps out of.
const mainRun = main === undefined ? undefined : run(main, true);
if (main !== undefined) {
  try {
    setPriority(19);
  } catch {
    // Not allowed here: the checks then share the CPU evenly, as they would one after the other.
  }
}

const queue = [...names];
const results = [];
async function worker() {
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const r = await run(name);
    results.push(r);
    // Beside MAIN, the outputs wait for its end, so they do not break into its live output.
    if (main === undefined) report(r);
  }
}
const slots = Math.max(1, Math.min(names.length, availableParallelism()));
await Promise.all(Array.from({ length: slots }, () => worker()));
const failed = [];
if (mainRun !== undefined) {
  const m = await mainRun;
  for (const r of results) report(r);
  if (m.code !== 0) failed.push(main);
}
failed.push(...results.filter((r) => r.code !== 0).map((r) => r.name));
if (failed.length > 0) {
  process.stderr.write(`\nrun-scripts: ${failed.join(", ")} failed\n`);
  process.exit(1);
}
