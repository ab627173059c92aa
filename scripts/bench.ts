/**
 * `npm run bench`: the benchmark suite (a script, not a test). Prints one table; each figure is
 * the median of repeated runs with min and max, beside its floor measured in the same run:
 *
 *   1. provider start to handshake line, next to `node -e ''` (Node's own start-up);
 *   2. `terraform plan` of examples/basic, next to as many `terraform_data` resources;
 *   3. `terraform plan` and `apply` of 1 SSO configuration + 1,000 logins (and + 10,000 with
 *      `--full`) against the simulator adding 20 ms to every request, next to the same commands
 *      over as many `terraform_data` resources and to requests x 20 ms / parallelism 10 without
 *      batching;
 *   4. peak resident memory of the provider processes during 3 (`/usr/bin/time -f %M` around
 *      each process Terraform starts);
 *   5. synthesis of a CDKTF app with 1,000 logins;
 *   6. a tab of 10,000 logins as one `cpq_user_integration_logins` (1 SSO + the tab) against the
 *      simulator adding 20 ms to every request, `max_concurrency = 10`: plan from empty, apply,
 *      the daily plan with everything in state, and a plan and apply that change 100 entries,
 *      with the request counts and the provider's peak memory; next to the write floor
 *      (10,000 x 20 ms / 10), one `terraform_data` holding the same map, and the same logins as
 *      10,000 `cpq_user_integration_login` resources (their plan from empty; with
 *      `--full-apply` their apply and daily plan too, which take tens of minutes).
 *      `--tab-logins N` sizes the tab (default 10,000). Not in the default set: `--only 6`.
 *   7. `cpq-sso exec`: the plan of examples/basic, a CI-like sequence of it (init, plan -out,
 *      show -json, apply, output) and the plan of 1 SSO + 1,000 logins, each as Terraform starts
 *      the provider and under one provider process (`startProviderSession`, as exec runs it),
 *      next to the same commands over `terraform_data`.
 *
 * Options: `--full` adds plans of 10,000 logins; `--full-apply` their apply and re-plan too
 * (slow: Terraform's own cost per applied resource grows with the state, and an apply of 10,000
 * logins had not ended after 14 minutes on a 2-core machine); `--runs N` repeats of each
 * terraform command (default 3); `--full-runs N` (default 1); `--handshake-runs N` (default 20);
 * `--only 1,3` picks sections; `--json FILE` also writes the
 * figures as JSON. See docs/performance.md for the figures and what they mean.
 *
 * Each section is a module of scripts/bench/ (1 handshake.ts, 2 example-plan.ts, 3 logins.ts,
 * 4 memory.ts, 5 synthesis.ts, 6 tab.ts, 7 exec.ts); they share runner.ts (the options, a row of
 * the table, and `Workspace`: the tests' `TfDir` with its runs timed), stacks.ts (the terraform
 * configurations), measure.ts (statistics and process timing) and table.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProvider } from "../provider/cli/install";
import { terraformBinary } from "../provider/cli/terraform";
import { examplePlan } from "./bench/example-plan";
import { execSection } from "./bench/exec";
import { handshake } from "./bench/handshake";
import { scaleSection } from "./bench/logins";
import { USAGE, parseBenchOptions } from "./bench/options";
import { BUNDLE } from "./bench/runner";
import type { Row } from "./bench/runner";
import { synthesis } from "./bench/synthesis";
import { tabSection } from "./bench/tab";
import { machine, table } from "./bench/table";

async function main(): Promise<number> {
  const opts = parseBenchOptions(process.argv.slice(2));
  if (opts === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!existsSync(BUNDLE)) throw new Error("dist/provider.js is missing: run `npm run build`.");
  const needsTerraform = [2, 3, 6, 7].some((s) => opts.only.has(s));
  if (needsTerraform && spawnSync(terraformBinary(), ["version"]).status !== 0) {
    throw new Error("terraform is not on the PATH; sections 2 and 3 need it (1.11+).");
  }
  const root = mkdtempSync(join(tmpdir(), "cpq-sso-bench-"));
  const rows: Row[] = [];
  let scale = { peaks: {}, cpuPerRun: {}, requests: {} };
  try {
    const installed = installProvider({ dir: join(root, "plain") });
    if (opts.only.has(1)) rows.push(...(await handshake(opts, join(root, "code-cache-1"))));
    if (opts.only.has(2)) rows.push(await examplePlan(opts, root, installed.cliConfigFile));
    if (opts.only.has(3)) {
      const s = await scaleSection(opts, root, installed.cliConfigFile);
      rows.push(...s.rows);
      scale = s;
    }
    if (opts.only.has(5)) rows.push(...(await synthesis(opts, root)));
    if (opts.only.has(7)) rows.push(...(await execSection(opts, root, installed.cliConfigFile)));
    if (opts.only.has(6)) rows.push(...(await tabSection(opts, root, installed.cliConfigFile)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  process.stdout.write(`\nMachine: ${machine()}\n\n${table(rows)}\n`);
  if (opts.json) {
    const { peaks, cpuPerRun, requests } = scale;
    writeFileSync(
      opts.json,
      JSON.stringify({ machine: machine(), rows, peaks, cpuPerRun, requests }, null, 2) + "\n",
    );
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `npm run bench failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
