/**
 * Section 6: a tab of 10,000 logins (`--tab-logins N`) as one `cpq_user_integration_logins`
 * against the simulator adding 20 ms to every request: plan from empty, apply, the daily plan and
 * a change of 100 entries, next to the write floor, one `terraform_data` holding the same map, and
 * the same logins as one resource each (section 3's measure).
 */
import { join } from "node:path";
import { installProvider } from "../../provider/cli/install";
import { startSimulator } from "../../simulator";
import { bundleFixtureProvider } from "../../tooling/bundle";
import { SimAdmin } from "../../tooling/sim-admin";
import { cpqEnv } from "../../tooling/terraform-env";
import { logins } from "./logins";
import { fmtMs } from "./measure";
import type { Stats } from "./measure";
import { installMeasured, peakRssRow, takeProcessRecords } from "./memory";
import { LATENCY_MS, PARALLELISM, Workspace, log, takeRequestCount } from "./runner";
import type { Options, Row } from "./runner";
import { ssoConfiguration } from "./stacks";

/** A tab of `count` logins as one `cpq_user_integration_logins`, the first `changed` changed. */
function tabLogins(count: number, changed = 0): unknown {
  const logins: Record<string, string> = {};
  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(5, "0");
    logins[`user${n}`] = `user${n}@idcs.example.com${i <= changed ? ".v2" : ""}`;
  }
  return { idp: { tab: "idp", logins } };
}

/** 1 SSO configuration and the tab of {@link tabLogins}. */
function tabConfig(count: number, changed = 0): unknown {
  return {
    terraform: { required_providers: { cpq: { source: "cpq-sso/cpq" } } },
    provider: { cpq: [{ max_concurrency: PARALLELISM }] },
    resource: {
      cpq_sso_configuration: ssoConfiguration(),
      cpq_user_integration_logins: tabLogins(count, changed),
    },
  };
}

/** Section 6: a tab of logins as one resource, beside its floors and the per-login resources. */
async function tabAtScale(
  opts: Options,
  root: string,
  cliConfigFile: string,
  rssDir: string | undefined,
  trivialPluginConfig: string,
): Promise<Row[]> {
  const count = opts.tabLogins;
  const n = count.toLocaleString("en-US");
  log(`6. 1 SSO + a tab of ${n} logins as one resource, ${LATENCY_MS} ms per request`);
  const sim = await startSimulator({
    port: 0,
    latencyMs: LATENCY_MS,
    generatedUsers: count,
    batchedIntegrations: true,
  });
  const rows: Row[] = [];
  try {
    const cpq = new Workspace(root, `tab-${count}`, cliConfigFile, cpqEnv(sim));
    const floor = new Workspace(root, `tab-floor-${count}`, cliConfigFile, {});
    // Terraform's own cost of one resource holding a map of this size.
    floor.write({ resource: { terraform_data: { tab: { input: tabLogins(count) } } } });
    cpq.write(tabConfig(count));
    await cpq.timed(["init"]);
    await floor.timed(["init"]);
    if (rssDir) takeProcessRecords(rssDir);
    await new SimAdmin(sim.url).reset();
    await takeRequestCount(sim);
    const step = async (what: string, run: () => Promise<number>) => {
      const ms = await run();
      const requests = await takeRequestCount(sim);
      log(`   ${what}: ${fmtMs(ms)}, ${requests} requests`);
      return { ms, requests };
    };
    const fromEmpty = await step("plan from empty", () => cpq.timedPlan());
    const floorPlan = await floor.timedPlan();
    const apply = await step("apply (create all)", () => cpq.timedApply());
    const floorApply = await floor.timedApply();
    const daily = await step("daily plan", () => cpq.timedPlan());
    const floorDaily = await floor.timedPlan();
    // Terraform's own cost of changing 100 entries of a map this size, in one terraform_data.
    floor.write({ resource: { terraform_data: { tab: { input: tabLogins(count, 100) } } } });
    const floorPlan100 = await floor.timedPlan();
    const floorApply100 = await floor.timedApply();
    cpq.write(tabConfig(count, 100));
    const plan100 = await step("plan changing 100", () => cpq.timedPlan());
    const apply100 = await step("apply changing 100", () => cpq.timedApply());
    const records = rssDir ? takeProcessRecords(rssDir) : { rssMiB: [], cpuS: [] };
    const writeFloor = (count * LATENCY_MS) / PARALLELISM;
    const one = (ms: number): Stats => ({ median: ms, min: ms, max: ms, n: 1 });
    const label = `1 SSO + a tab of ${n} logins (one resource)`;
    rows.push(
      {
        section: 6,
        what: `terraform plan, ${label}, nothing exists yet`,
        figure: one(fromEmpty.ms),
        floors: [{ label: "1 terraform_data holding the map", ms: floorPlan }],
        note: `${fromEmpty.requests} requests`,
      },
      {
        section: 6,
        what: `terraform apply, ${label}, create all`,
        figure: one(apply.ms),
        floors: [
          { label: `${n} writes x 20 ms / ${PARALLELISM}`, ms: writeFloor },
          { label: "apply of the terraform_data", ms: floorApply },
        ],
        goal: { ratio: 1.5, text: "< 1.5x the write floor" },
        note: `${apply.requests} requests`,
      },
      {
        section: 6,
        what: `terraform plan, ${label}, daily (all in state)`,
        figure: one(daily.ms),
        floors: [{ label: "plan of the terraform_data in state", ms: floorDaily }],
        goal: { limitMs: 5000, text: "< 5 s" },
        note: `${daily.requests} requests`,
      },
      {
        section: 6,
        what: `terraform plan, ${label}, 100 entries changed`,
        figure: one(plan100.ms),
        floors: [{ label: "the same change of the terraform_data, planned", ms: floorPlan100 }],
        goal: { limitMs: 3000, text: "< 3 s" },
        note: `${plan100.requests} requests`,
      },
      {
        section: 6,
        what: `terraform apply, ${label}, 100 entries changed`,
        figure: one(apply100.ms),
        floors: [
          { label: "the same change of the terraform_data, applied", ms: floorApply100 },
          { label: "100 writes x 20 ms / 10", ms: (100 * LATENCY_MS) / PARALLELISM },
        ],
        goal: { limitMs: 3000, text: "< 3 s" },
        note: `${apply100.requests} requests`,
      },
    );
    if (records.rssMiB.length > 0) rows.push(peakRssRow(6, { section: 6 }, records.rssMiB));
  } finally {
    await sim.close();
  }
  // The same logins as one resource each: the cost the plural resource removes.
  const perLogin = await logins(
    count,
    1,
    root,
    cliConfigFile,
    undefined,
    false,
    opts.fullApply,
    trivialPluginConfig,
    true,
  );
  // Their own goals are section 3's; here they are the comparison.
  rows.push(
    ...perLogin.rows.map((r): Row => {
      const { goal: _goal, ...rest } = r;
      void _goal;
      return { ...rest, section: 6, what: `  per-login resources: ${r.what}` };
    }),
  );
  return rows;
}

/** Section 6 as the bench runs it: the provider under `/usr/bin/time`, the trivial plugin beside it. */
export async function tabSection(
  opts: Options,
  root: string,
  cliConfigFile: string,
): Promise<Row[]> {
  const measured = installMeasured(root);
  const trivialPlugin = installProvider({
    dir: join(root, "trivial-6"),
    bundle: await bundleFixtureProvider(),
  });
  return tabAtScale(
    opts,
    root,
    measured?.cliConfigFile ?? cliConfigFile,
    measured?.rssDir,
    trivialPlugin.cliConfigFile,
  );
}
