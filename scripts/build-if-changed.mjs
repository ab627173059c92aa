// Builds dist/ (scripts/build.mjs) unless it is already the build of exactly these sources.
// `npm ci` builds through `prepare`, and `npm test` used to build the same sources again right
// after (.ci/run runs both): about a minute of esbuild and tsc for nothing on a 2-core runner.
// The check is by content, not by time: a SHA-256 over every input of the build (the sources it
// bundles or compiles, the lock file, the build script and configuration), recorded after a
// successful build, which scripts/build.mjs voids whenever it starts (run directly or from here).
// Any change, a deleted file included, rebuilds. `npm run build` always builds.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(fileURLToPath(import.meta.url), "..", "..");
const OUT = resolve(REPO, process.env.CPQ_SSO_BUILD_DIR ?? "dist");

/** What the build reads: folders walked whole, and single files. */
const INPUT_DIRS = ["common", "constructs", "provider", "simulator"];
const INPUT_FILES = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "tsconfig.lib.json",
  "scripts/build.mjs",
];

/** Every file below `dir`, in a stable order, by path relative to the repository. */
function filesBelow(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesBelow(path) : [path];
    });
}

function inputsHash() {
  const hash = createHash("sha256");
  const files = [
    ...INPUT_DIRS.flatMap((d) => filesBelow(join(REPO, d))),
    ...INPUT_FILES.map((f) => join(REPO, f)),
  ];
  for (const file of files) {
    // The name too, so a renamed or deleted file changes the hash.
    hash.update(`${relative(REPO, file)}\0`);
    hash.update(existsSync(file) ? readFileSync(file) : "(absent)");
    hash.update("\0");
  }
  return hash.digest("hex");
}

// One record per output directory, outside it (dist/ is what the package ships and what the
// reproducibility test compares), in the usual cache folder.
const recordDir = join(REPO, "node_modules", ".cache", "cpq-sso-build");
const record = join(
  recordDir,
  `${createHash("sha256").update(OUT).digest("hex").slice(0, 16)}.sha256`,
);
const want = inputsHash();
// Every output of scripts/build.mjs: one deleted by hand means the build is not there.
const OUTPUTS = [
  "provider.js",
  "provider-main.js",
  "provider-client.js",
  "provider-zod.js",
  "provider-saxes.js",
  "cpq-sso.js",
  "cli.js",
  "cdktf.js",
  "cdktn.js",
  "lib/cdktf/constructs/index.js",
  "lib/cdktn/constructs/index.js",
];
const complete = OUTPUTS.every((f) => existsSync(join(OUT, f)));
if (complete && existsSync(record) && readFileSync(record, "utf8").trim() === want) {
  console.log(`build: ${relative(REPO, OUT) || OUT} is already the build of these sources`);
} else {
  const r = spawnSync(process.execPath, [join(REPO, "scripts", "build.mjs")], {
    cwd: REPO,
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  mkdirSync(recordDir, { recursive: true });
  writeFileSync(record, `${want}\n`);
}
