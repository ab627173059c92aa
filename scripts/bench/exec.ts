/**
 * Section 7: `cpq-sso exec`. The plan of examples/basic, a CI-like sequence of it (init, plan
 * -out, show -json, apply, output) and the plan of 1 SSO + 1,000 logins, each as Terraform starts
 * the provider and under one provider process (`startProviderSession`, as exec runs it), next to
 * the same commands over `terraform_data`.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startProviderSession } from "../../provider/cli/exec";
import { startSimulator } from "../../simulator";
import { SimAdmin } from "../../tooling/sim-admin";
import { cpqEnv } from "../../tooling/terraform-env";
import { fmtMs, since, stats } from "./measure";
import { BUNDLE, COMMAND_TIMEOUT_MS, LATENCY_MS, Workspace, log } from "./runner";
import type { Options, Row } from "./runner";
import { exampleWorkspace, loginsConfig, synthesizeExample, terraformDataConfig } from "./stacks";

/** The commands of a CI job: init, plan -out, show -json, apply of the saved plan, output. */
async function ciSequence(ws: Workspace, extra: Readonly<Record<string, string>>): Promise<void> {
  // A fresh checkout: no working directory state, no lock file, no state.
  for (const f of [".terraform", ".terraform.lock.hcl", "terraform.tfstate", "tfplan"])
    rmSync(join(ws.dir, f), { recursive: true, force: true });
  const tf = async (args: string[]): Promise<void> => {
    await ws.must(args, { env: { ...extra }, timeoutMs: COMMAND_TIMEOUT_MS });
  };
  await tf(["init", "-input=false", "-no-color"]);
  await tf(["plan", "-input=false", "-no-color", "-out=tfplan"]);
  await tf(["show", "-json", "-no-color", "tfplan"]);
  await tf(["apply", "-input=false", "-no-color", "tfplan"]);
  await tf(["output", "-json", "-no-color"]);
}

/** `fn` timed, with a provider session serving `ws`'s environment for its whole length. */
async function timedUnderExec(
  ws: Workspace,
  fn: (extra: Readonly<Record<string, string>>) => Promise<unknown>,
): Promise<number> {
  const started = process.hrtime.bigint();
  const session = await startProviderSession({ executable: BUNDLE, env: ws.env });
  try {
    await fn(session.env);
  } finally {
    await session.stop();
  }
  return since(started);
}

/**
 * `runs` plans of `ws` as Terraform starts the provider, and under one provider process already
 * serving (a pipeline's, under exec), alternated with plans of `floor`; one warm-up of each first.
 */
async function plansPlainAndUnderExec(
  ws: Workspace,
  floor: Workspace,
  runs: number,
): Promise<{ plain: number[]; under: number[]; fs: number[] }> {
  const plain: number[] = [];
  const under: number[] = [];
  const fs: number[] = [];
  const session = await startProviderSession({ executable: BUNDLE, env: ws.env });
  try {
    await ws.timedPlan();
    await ws.timedPlan(session.env);
    await floor.timedPlan();
    for (let i = 0; i < runs; i++) {
      plain.push(await ws.timedPlan());
      under.push(await ws.timedPlan(session.env));
      fs.push(await floor.timedPlan());
    }
  } finally {
    await session.stop();
  }
  return { plain, under, fs };
}

export async function execSection(
  opts: Options,
  root: string,
  cliConfigFile: string,
): Promise<Row[]> {
  log(
    `7. cpq-sso exec: the example plan, a CI-like sequence and 1,000-login plans, each as Terraform starts the provider and under one provider process, ${opts.runs} runs`,
  );
  const { stackJson, count } = synthesizeExample(root);
  const med = (xs: number[]): number => stats(xs).median;
  const rows: Row[] = [];
  const sim = await startSimulator({ port: 0 });
  try {
    const example = exampleWorkspace(root, "exec-example", cliConfigFile, sim, stackJson);
    const floor = new Workspace(root, "exec-example-floor", cliConfigFile, {});
    floor.write(terraformDataConfig(count));
    await example.timed(["init"]);
    await floor.timed(["init"]);
    const sessions: number[] = [];
    const { plain, under, fs } = await plansPlainAndUnderExec(example, floor, opts.runs);
    for (let i = 0; i < opts.runs; i++)
      sessions.push(await timedUnderExec(example, async () => {}));
    const floors = [{ label: `plan of ${count} terraform_data`, ms: med(fs) }];
    rows.push(
      {
        section: 7,
        what: `terraform plan, examples/basic (${count} resources), Terraform starting the provider`,
        figure: stats(plain),
        floors,
      },
      {
        section: 7,
        what: "  the same plan under cpq-sso exec (its provider process serving already)",
        figure: stats(under),
        floors: [...floors, { label: "the plain plan", ms: med(plain) }],
        goal: { ratio: 3, text: "< 3x terraform_data" },
      },
      {
        section: 7,
        what: "  starting and stopping the exec provider process (once per exec)",
        figure: stats(sessions),
        floors: [],
      },
    );

    log("   a CI-like sequence: init, plan -out, show -json, apply, output");
    const admin = new SimAdmin(sim.url);
    const seqPlain: number[] = [];
    const seqExec: number[] = [];
    const seqFloor: number[] = [];
    const timed = async (fn: () => Promise<void>): Promise<number> => {
      const started = process.hrtime.bigint();
      await fn();
      return since(started);
    };
    // Warm-up of both, then alternated; each sequence starts from a site as the simulator seeds it.
    for (let i = -1; i < opts.runs; i++) {
      await admin.reset();
      const p = await timed(() => ciSequence(example, {}));
      await admin.reset();
      const e = await timedUnderExec(example, (extra) => ciSequence(example, extra));
      const f = await timed(() => ciSequence(floor, {}));
      if (i < 0) continue;
      seqPlain.push(p);
      seqExec.push(e);
      seqFloor.push(f);
      log(`   run ${i + 1}: plain ${fmtMs(p)}, exec ${fmtMs(e)}, terraform_data ${fmtMs(f)}`);
    }
    const seqFloors = [{ label: `the sequence over ${count} terraform_data`, ms: med(seqFloor) }];
    rows.push(
      {
        section: 7,
        what: "CI-like sequence of examples/basic (init, plan -out, show -json, apply, output), Terraform starting the provider",
        figure: stats(seqPlain),
        floors: seqFloors,
      },
      {
        section: 7,
        what: "  the same sequence under cpq-sso exec (its start and stop included)",
        figure: stats(seqExec),
        floors: [{ label: "the plain sequence", ms: med(seqPlain) }, ...seqFloors],
        goal: { ratio: 1 / 3, text: ">= 3x faster than plain" },
      },
    );
  } finally {
    await sim.close();
  }

  log("   1 SSO + 1,000 logins: plans from an empty state, 20 ms per request");
  const big = await startSimulator({ port: 0, latencyMs: LATENCY_MS, generatedUsers: 1000 });
  try {
    const ws = new Workspace(root, "exec-logins", cliConfigFile, cpqEnv(big));
    ws.write(loginsConfig(1000));
    const floor = new Workspace(root, "exec-logins-floor", cliConfigFile, {});
    floor.write(terraformDataConfig(1001));
    await ws.timed(["init"]);
    await floor.timed(["init"]);
    const { plain, under, fs } = await plansPlainAndUnderExec(ws, floor, opts.runs);
    const floors = [{ label: "plan of 1001 terraform_data", ms: med(fs) }];
    rows.push(
      {
        section: 7,
        what: "terraform plan, 1 SSO + 1,000 logins (nothing exists yet), Terraform starting the provider",
        figure: stats(plain),
        floors,
      },
      {
        section: 7,
        what: "  the same plan under cpq-sso exec (its provider process serving already)",
        figure: stats(under),
        floors: [...floors, { label: "the plain plan", ms: med(plain) }],
      },
    );
  } finally {
    await big.close();
  }
  return rows;
}
