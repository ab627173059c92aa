/**
 * Section 3: `terraform plan` and `apply` of 1 SSO configuration + 1,000 logins (10,000 with
 * `--full`) against the simulator adding 20 ms to every request, next to the same commands over
 * as many `terraform_data` resources, like-sized ones, a trivial plugin's, and the request floor.
 */
import { join } from "node:path";
import { installProvider } from "../../provider/cli/install";
import { bundleFixtureProvider } from "../../tooling/bundle";
import { startSimulator } from "../../simulator";
import { SimAdmin } from "../../tooling/sim-admin";
import { cpqEnv } from "../../tooling/terraform-env";
import { fmtMs, stats } from "./measure";
import { TIME, installMeasured, peakRssRow, takeProcessRecords } from "./memory";
import { LATENCY_MS, PARALLELISM, Workspace, log, takeRequestCount } from "./runner";
import type { Options, Row } from "./runner";
import {
  loginsConfig,
  shapedTerraformDataConfig,
  terraformDataConfig,
  trivialPluginResources,
} from "./stacks";

export interface ScaleResult {
  readonly rows: Row[];
  readonly peakRssMiB: number[];
  /** CPU seconds of all provider processes for one run of plan, apply and re-plan. */
  readonly providerCpuS: number;
  readonly requests: Record<string, number>;
}

export async function logins(
  count: number,
  runs: number,
  root: string,
  cliConfigFile: string,
  rssDir: string | undefined,
  withShaped: boolean,
  apply: boolean,
  trivialPluginConfig: string,
  /** Whether the site batches login reads (the simulator's assumed `expand=integrations`). */
  batched: boolean,
): Promise<ScaleResult> {
  const site = batched ? "a site that batches login reads" : "a site read one login at a time";
  log(
    `3. 1 SSO configuration + ${count} logins on ${site}, ${runs} run(s), ${LATENCY_MS} ms per request`,
  );
  const sim = await startSimulator({
    port: 0,
    latencyMs: LATENCY_MS,
    generatedUsers: count,
    batchedIntegrations: batched,
  });
  try {
    const tag = `${count}${batched ? "" : "-per-login"}`;
    const cpq = new Workspace(root, `logins-${tag}`, cliConfigFile, cpqEnv(sim));
    cpq.write(loginsConfig(count));
    const floor = new Workspace(root, `floor-${tag}`, cliConfigFile, {});
    floor.write(terraformDataConfig(count + 1));
    // Like-sized resources; their apply only where Terraform's own takes minutes, not hours.
    const shaped = new Workspace(root, `shaped-${tag}`, cliConfigFile, {});
    shaped.write(shapedTerraformDataConfig(count + 1));
    // The tests' fixture provider on the same plugin server: what any provider built this way
    // costs before its own work (its resource has 8 attributes and reads a local file).
    const trivial = new Workspace(root, `trivial-${tag}`, trivialPluginConfig, {});
    trivial.write(trivialPluginResources(count + 1, join(root, `trivial-${tag}`)));
    await cpq.timed(["init"]);
    await floor.timed(["init"]);
    await shaped.timed(["init"]);
    await trivial.timed(["init"]);
    if (rssDir) takeProcessRecords(rssDir);
    const trivialPlans: number[] = [];
    const s = { plan: [] as number[], apply: [] as number[], refresh: [] as number[] };

    const t = { plan: [] as number[], apply: [] as number[], refresh: [] as number[] };
    const f = { plan: [] as number[], apply: [] as number[], refresh: [] as number[] };
    const requests: Record<string, number> = {};
    for (let i = 0; i < runs; i++) {
      await new SimAdmin(sim.url).reset();
      cpq.forgetState();
      floor.forgetState();
      await takeRequestCount(sim);
      t.plan.push(await cpq.timedPlan());
      requests.plan = await takeRequestCount(sim);
      f.plan.push(await floor.timedPlan());
      shaped.forgetState();
      s.plan.push(await shaped.timedPlan());
      trivialPlans.push(await trivial.timedPlan());
      log(`   run ${i + 1}: plan ${fmtMs(t.plan.at(-1)!)} / ${fmtMs(f.plan.at(-1)!)}`);
      if (!apply) continue;
      t.apply.push(await cpq.timedApply());
      requests.apply = await takeRequestCount(sim);
      f.apply.push(await floor.timedApply());
      t.refresh.push(await cpq.timedPlan());
      requests.refresh = await takeRequestCount(sim);
      f.refresh.push(await floor.timedPlan());
      if (withShaped) {
        s.apply.push(await shaped.timedApply());
        s.refresh.push(await shaped.timedPlan());
      }
      log(
        `   run ${i + 1}: apply ${fmtMs(t.apply.at(-1)!)} / ${fmtMs(f.apply.at(-1)!)}, re-plan ${fmtMs(t.refresh.at(-1)!)} / ${fmtMs(f.refresh.at(-1)!)}`,
      );
    }
    const n = count + 1;
    // Without batching: one GET per resource to plan; a create also writes each (PUT or POST).
    const unbatched = (perResource: number): number => (n * perResource * LATENCY_MS) / PARALLELISM;
    const writes = (n * LATENCY_MS) / PARALLELISM;
    const label = `1 SSO + ${count.toLocaleString("en-US")} logins, ${batched ? "batched" : "per login"}`;
    const med = (xs: number[]): number => stats(xs).median;
    const rows: Row[] = [
      {
        section: 3,
        what: `terraform plan, ${label} (nothing exists yet)`,
        figure: stats(t.plan),
        floors: [
          { label: `plan of ${n} terraform_data`, ms: med(f.plan) },
          { label: `${n} requests x 20 ms / 10`, ms: unbatched(1) },
          { label: "like-sized terraform_data", ms: med(s.plan) },
          { label: `${n} resources of a trivial plugin on this server`, ms: med(trivialPlans) },
        ],
        goal: { ratio: 1.3, text: "< 1.3x terraform_data" },
        note: `${requests.plan} requests`,
      },
    ];
    if (t.apply.length > 0) {
      rows.push({
        section: 3,
        what: `terraform plan, ${label} (all exist: refresh + diff)`,
        figure: stats(t.refresh),
        floors: [
          { label: `plan of ${n} terraform_data in state`, ms: med(f.refresh) },
          { label: `${n} requests x 20 ms / 10`, ms: unbatched(1) },
          ...(s.refresh.length > 0
            ? [{ label: "like-sized terraform_data", ms: med(s.refresh) }]
            : []),
        ],
        goal: { ratio: 1.3, text: "< 1.3x terraform_data" },
        note: `${requests.refresh} requests`,
      });
      rows.push({
        section: 3,
        what: `terraform apply, ${label} (create all)`,
        figure: stats(t.apply),
        floors: [
          {
            label: `apply of ${n} terraform_data + ${n} writes x 20 ms / 10`,
            ms: med(f.apply) + writes,
          },
          { label: `${2 * n} requests x 20 ms / 10`, ms: unbatched(2) },
        ],
        goal: { ratio: 1.3, text: "< 1.3x (terraform_data + writes)" },
        note: `${requests.apply} requests; terraform_data alone ${fmtMs(med(f.apply))}`,
      });
    }
    if (s.apply.length > 0) {
      rows.push({
        section: 3,
        what: "  the same apply, next to like-sized terraform_data",
        figure: stats(t.apply),
        floors: [
          {
            label: `apply of ${n} terraform_data shaped like a login + writes`,
            ms: med(s.apply) + writes,
          },
        ],
        goal: { ratio: 1.3, text: "< 1.3x (like-sized + writes)" },
        note: `like-sized terraform_data alone ${fmtMs(med(s.apply))}`,
      });
    }
    const records = rssDir ? takeProcessRecords(rssDir) : { rssMiB: [], cpuS: [] };
    const cpu = records.cpuS.reduce((x, y) => x + y, 0);
    if (rssDir)
      log(`   provider CPU time, all processes of the ${runs} run(s): ${cpu.toFixed(1)} s`);
    return { rows, peakRssMiB: records.rssMiB, providerCpuS: cpu / runs, requests };
  } finally {
    await sim.close();
  }
}

/** What sections 3 and 4 measured, for the table and for `--json`. */
export interface ScaleSection {
  readonly rows: Row[];
  /** The largest provider process, in MiB, by number of logins. */
  readonly peaks: Record<string, number>;
  /** Provider CPU seconds per run of plan, apply and re-plan, by number of logins. */
  readonly cpuPerRun: Record<string, number>;
  /** Requests per command, by case (`1000`, `1000-per-login`, `10000`). */
  readonly requests: Record<string, Record<string, number>>;
}

/**
 * Sections 3 and 4: 1,000 logins on a site that batches and on one that does not (the reads then
 * go one login at a time), and 10,000 on a batching site with `--full`; the provider processes
 * run under `/usr/bin/time` when it is there, for their peak memory (section 4).
 */
export async function scaleSection(
  opts: Options,
  root: string,
  cliConfigFile: string,
): Promise<ScaleSection> {
  const out: ScaleSection = { rows: [], peaks: {}, cpuPerRun: {}, requests: {} };
  const trivialPlugin = installProvider({
    dir: join(root, "trivial"),
    bundle: await bundleFixtureProvider(),
  });
  const measured = installMeasured(root);
  if (!measured) log(`${TIME} is missing: peak memory (4) is not measured`);
  const cases: [number, number, boolean][] = [
    [1000, opts.runs, true],
    [1000, 1, false],
  ];
  if (opts.full) cases.push([10000, opts.fullRuns, true]);
  for (const [count, runs, batched] of cases) {
    const r = await logins(
      count,
      runs,
      root,
      measured?.cliConfigFile ?? cliConfigFile,
      measured?.rssDir,
      count <= 1000 && batched,
      count <= 1000 || opts.fullApply,
      trivialPlugin.cliConfigFile,
      batched,
    );
    out.rows.push(...r.rows);
    out.requests[`${count}${batched ? "" : "-per-login"}`] = r.requests;
    if (r.peakRssMiB.length > 0) {
      out.peaks[String(count)] = stats(r.peakRssMiB).max;
      out.cpuPerRun[String(count)] = r.providerCpuS;
      out.rows.push(
        peakRssRow(
          4,
          { section: 3, what: `${count.toLocaleString("en-US")} logins` },
          r.peakRssMiB,
          `; provider CPU per run of the commands above ${r.providerCpuS.toFixed(1)} s`,
        ),
      );
    }
  }
  return out;
}
