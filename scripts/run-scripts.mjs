// Runs package.json scripts side by side, as many at a time as the machine has cores, and fails
// when any of them fails: `npm test` runs its checks (eslint, prettier, the generated files, tsc)
// this way. One after the other they took about a minute on a 2-core runner with cold caches
// (which is how `npm ci` leaves them), each using one core; two at a time, about half that. The
// commands stay in package.json, each under its own name (`npm run lint:eslint` runs one alone),
// and run as npm would run them: through the shell, with node_modules/.bin on the PATH. Each
// one's output is printed whole when it ends, so the outputs do not interleave.
//
// Usage: node scripts/run-scripts.mjs NAME...   (longest first: they start in the order given)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(fileURLToPath(import.meta.url), "..", "..");
const scripts = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts ?? {};
const names = process.argv.slice(2);
if (names.length === 0) {
  process.stderr.write("Usage: node scripts/run-scripts.mjs NAME... (scripts of package.json)\n");
  process.exit(64);
}
const unknown = names.filter((n) => typeof scripts[n] !== "string");
if (unknown.length > 0) {
  process.stderr.write(`run-scripts: package.json has no script ${unknown.join(", ")}\n`);
  process.exit(64);
}

const env = {
  ...process.env,
  PATH: [join(REPO, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter),
};

/** Runs one script; resolves with its exit code, its output and its seconds. */
function run(name) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(scripts[name], {
      cwd: REPO,
      env,
      shell: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const finish = (code) => done({ name, code, output, seconds: (Date.now() - started) / 1000 });
    child.on("error", (e) => finish(`${e.message}`));
    child.on("close", (code, signal) => finish(code ?? signal));
  });
}

const queue = [...names];
const failed = [];
async function worker() {
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const r = await run(name);
    const verdict = r.code === 0 ? "ok" : `FAILED (${r.code})`;
    process.stdout.write(`\n> ${name}: ${scripts[name]}\n${r.output}`);
    process.stdout.write(
      `${r.output.endsWith("\n") || r.output === "" ? "" : "\n"}< ${name} ${verdict}, ${r.seconds.toFixed(1)} s\n`,
    );
    if (r.code !== 0) failed.push(name);
  }
}
const slots = Math.max(1, Math.min(names.length, availableParallelism()));
await Promise.all(Array.from({ length: slots }, () => worker()));
if (failed.length > 0) {
  process.stderr.write(`\nrun-scripts: ${failed.join(", ")} failed\n`);
  process.exit(1);
}
