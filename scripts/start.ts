/**
 * `npm start`: the main job, end to end on one machine. Starts the embedded CPQ simulator,
 * synthesizes examples/basic, and has the real terraform init, plan and apply it through our
 * provider; prints the plan and whether CPQ asked for a restart; plans again to show nothing is
 * left to change; stops the simulator.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execWanted, withProviderSession } from "../provider/cli/exec";
import { installProvider } from "../provider/cli/install";
import { parseCommandLine } from "../provider/cli/io";
import { runTerraform, terraformBinary } from "../provider/cli/terraform";
import { startSimulator } from "../simulator";
import { cpqEnv, terraformEnv } from "../tooling/terraform-env";

const ROOT = join(__dirname, "..");
const WORK = join(ROOT, ".cpq-sso", "start");
const STACK = "basic";

function say(line: string): void {
  process.stdout.write(`\n==> ${line}\n`);
}

/** A terraform command, shown as it runs (the shared runner; Ctrl+C reaches terraform too). */
async function must(args: string[], cwd: string, env: NodeJS.ProcessEnv, ok = [0]) {
  const r = await runTerraform(args, { cwd, env, output: "inherit", forwardSignals: true });
  if (!ok.includes(r.code)) throw new Error(`terraform ${args.join(" ")} exited with ${r.code}`);
  return r.code;
}

const USAGE = `Usage: npm start [-- --terraform BINARY] [--no-exec]
  Plans and applies examples/basic against the embedded CPQ simulator.
  BINARY runs instead of terraform, e.g. tofu (default: TERRAFORM_BINARY_NAME, else terraform).
  The terraform commands share one provider process (cpq-sso exec); --no-exec (or
  CPQ_SSO_EXEC=0) lets terraform start its own for each.
`;

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    { options: { terraform: { type: "string" }, "no-exec": { type: "boolean" } } },
    USAGE,
  );
  if (args === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  // One setting for the binary, as cpq-sso drift and the CI recipes take it.
  const binary = args.values.terraform?.trim() || terraformBinary();
  const tf = spawnSync(binary, ["version"], { encoding: "utf8" });
  if (tf.status !== 0) {
    process.stderr.write(
      `npm start needs the ${binary} CLI (Terraform or OpenTofu 1.11 or later) on the PATH, and it was not found.\n` +
        "Install it from https://developer.hashicorp.com/terraform/install (or https://opentofu.org/docs/intro/install/), or pass --terraform BINARY, and run npm start again.\n",
    );
    return 1;
  }
  // npm runs this on the Node package.json pins (node_modules/.bin/node), and terraformEnv
  // starts the provider on the same one.
  say(`Using ${tf.stdout.split("\n")[0]} and Node.js ${process.version} (${process.execPath})`);

  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const installed = installProvider({ dir: join(WORK, "provider") });
  say(`Provider installed in a local mirror: ${installed.mirrorDir}`);

  const sim = await startSimulator({ port: 0, stateFile: join(WORK, "simulator-state.json") });
  try {
    const admin = sim.credentials.basic.find((c) => c.admin);
    if (!admin) throw new Error("the simulator has no administrator credentials");
    say(`CPQ simulator listening on ${sim.url} (administrator ${admin.username})`);

    // Only PATH and HOME from the caller's environment: a developer's own TF_VAR_* or CPQ_*
    // values must not flow into this demo (its plan, its state, the simulator's file).
    const env = terraformEnv(installed.cliConfigFile, {
      TERRAFORM_BINARY_NAME: binary,
      ...cpqEnv(sim),
      CDKTF_OUTDIR: join(WORK, "cdktf.out"),
      // Demo secrets for the simulator; a real pipeline sets these from its secret store.
      TF_VAR_saml_request_keystore: Buffer.from("demo keystore").toString("base64"),
      TF_VAR_saml_store_pass: "demo-store-pass",
      TF_VAR_saml_key_pass: "demo-key-pass",
      // The partner passwords the simulator's ERP accepts (simulator/options.ts).
      TF_VAR_jdoe_erp_password: "jdoe-erp-password",
      TF_VAR_asmith_erp_password: "asmith-erp-password",
      TF_VAR_asmith_erp_token: "asmith-erp-token",
    });
    delete env.NO_COLOR;

    say("Synthesizing examples/basic (CDKTF)");
    const synth = spawnSync(
      process.execPath,
      [
        join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
        join(ROOT, "examples", "basic", "main.ts"),
      ],
      { cwd: ROOT, env, stdio: "inherit" },
    );
    if (synth.status !== 0)
      throw new Error(`synthesis of examples/basic exited with ${synth.status}`);
    const stackDir = join(WORK, "cdktf.out", "stacks", STACK);
    if (!existsSync(join(stackDir, "cdk.tf.json")))
      throw new Error(`synthesis wrote no ${stackDir}/cdk.tf.json`);

    // One provider process for the commands below, given the same environment (docs/exec.md).
    const exec = execWanted(args.values["no-exec"]);
    if (exec) say("One provider process serves all the terraform commands below (cpq-sso exec)");
    return await withProviderSession({ enabled: exec, env }, (provider) =>
      terraformSteps(stackDir, { ...env, ...provider }),
    );
  } finally {
    await sim.close();
  }
}

/** init, plan, apply, output and the second plan of the synthesized stack. */
async function terraformSteps(stackDir: string, env: NodeJS.ProcessEnv): Promise<number> {
  say("terraform init");
  await must(["init", "-input=false"], stackDir, env);
  // A saved plan holds the stored secrets (the keystore) in clear: keep it in a private
  // directory and remove it once applied.
  const planDir = mkdtempSync(join(tmpdir(), "cpq-sso-start-plan-"));
  const planFile = join(planDir, "tfplan");
  try {
    say("terraform plan");
    await must(["plan", "-input=false", `-out=${planFile}`], stackDir, env);
    say("terraform apply");
    await must(["apply", "-input=false", planFile], stackDir, env);
  } finally {
    rmSync(planDir, { recursive: true, force: true });
  }

  const out = await runTerraform(["output", "-json"], { cwd: stackDir, env });
  const outputs = JSON.parse(out.stdout || "{}") as Record<string, { value: unknown }>;
  const restart = Object.entries(outputs).find(([k]) => k.endsWith("restart_required"));
  say(
    restart?.[1].value === true
      ? `A CPQ server restart is pending (output ${restart[0]} = true): schedule one for the new SSO settings to take effect, then set restart_done_at.`
      : "No CPQ server restart is pending.",
  );

  say("terraform plan again: nothing should be left to change");
  const code = await must(["plan", "-input=false", "-detailed-exitcode"], stackDir, env, [0, 2]);
  if (code !== 0)
    throw new Error("the second plan still has changes: the provider is not converging");
  say("Done: the example is applied and in sync.");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `\nnpm start failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
