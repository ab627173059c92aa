/**
 * Jest global setup, second step: fill the provider's V8 code cache of this run once, through
 * real terraform, so every end-to-end test starts the provider with a warm cache, as users do
 * from their second run on (a warm cache once hid a bug that only a cold one passed). A plan of
 * a data source against a closed loopback port loads every bundle: the plugin, zod and the CPQ
 * client. Skipped, with nothing to say, when the run selects no end-to-end test (`npx jest
 * test/unit`: only test/e2e starts the provider through terraform, and an init and a plan cost
 * seconds), and where terraform or the build is missing (the tests that need them say so loudly
 * themselves). Written in TypeScript, transformed by jest like the tests, so it installs the
 * provider and runs terraform as the tests do (tooling/'s install and `TfDir`) rather than copies.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { terraformAvailable } from "./e2e/harness";
import { installProviderForTests } from "../tooling/install";
import { TfDir, cpqProviderConfig } from "../tooling/tf-dir";

const REPO = join(__dirname, "..");

/** The parts of jest's global configuration that say which test files a run selects. */
export interface TestSelection {
  readonly testPathPattern?: string;
  readonly onlyChanged?: boolean;
  readonly findRelatedTests?: boolean;
  readonly changedSince?: string;
  readonly lastCommit?: boolean;
  readonly watch?: boolean;
  readonly watchAll?: boolean;
}

/** Every `*.test.ts` below `dir`. */
function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? testFiles(join(dir, e.name))
      : e.name.endsWith(".test.ts")
        ? [join(dir, e.name)]
        : [],
  );
}

/**
 * Whether the run may select an end-to-end test: jest matches its path pattern against each
 * test file's full path, case-insensitively. When the selection depends on git or the watch
 * mode, or the pattern is not a regular expression here, the answer is yes: warming for nothing
 * costs seconds, not warming is what the end-to-end tests must never see.
 */
export function selectsEndToEndTests(selection: TestSelection, repo: string = REPO): boolean {
  if (
    selection.onlyChanged ||
    selection.findRelatedTests ||
    selection.changedSince ||
    selection.lastCommit ||
    selection.watch ||
    selection.watchAll
  ) {
    return true;
  }
  const pattern = selection.testPathPattern ?? "";
  if (pattern === "") return true;
  let re: RegExp;
  try {
    re = new RegExp(pattern, "i");
  } catch {
    return true;
  }
  return testFiles(join(repo, "test", "e2e")).some((file) => re.test(file));
}

/** Warms the run's code cache, unless the run needs no warm cache or cannot make one. */
export async function warm(selection: TestSelection = {}): Promise<void> {
  const cache = process.env.CPQ_SSO_CODE_CACHE;
  const runDir = process.env.CPQ_SSO_TEST_TMPDIR;
  if (!cache || !runDir || !selectsEndToEndTests(selection)) return;
  if (!existsSync(join(REPO, "dist", "provider.js"))) return;
  if (!terraformAvailable) return;
  // In the run's temporary directory (TMPDIR), with the run's cache: what every test's install gets.
  const tf = new TfDir(installProviderForTests(), { TMPDIR: runDir });
  try {
    tf.write({
      ...cpqProviderConfig({
        base_url: "http://127.0.0.1:9",
        username: "u",
        password: "p",
        max_retries: 0,
      }),
      data: { cpq_users: { all: {} } },
    });
    await tf.init();
    // Fails (nothing listens there), after every bundle is loaded.
    await tf.plan();
  } finally {
    tf.dispose();
  }
  const files = existsSync(cache) ? readdirSync(cache).filter((f) => f.endsWith(".v8cache")) : [];
  if (files.length < 3) {
    throw new Error(`warming the code cache left ${files.length} cache files in ${cache}, not 3`);
  }
}
