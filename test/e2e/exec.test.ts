/**
 * `cpq-sso exec`: one provider process for every terraform command of a script, from the outside.
 * The real CLI bundle runs shell scripts of terraform commands against the simulator; the
 * terraform tests run without the provider mirror in the CLI configuration, so a command can only
 * have reached the provider through exec's process. The process tests need no terraform.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import type { SimAdmin } from "../../tooling/sim-admin";
import { SimulatorFixture } from "../support/simulator-fixture";
import { isAlive } from "../support/run-command";
import { cpqEnv } from "../../tooling/terraform-env";
import { cpqProviderConfig, describeWithTerraform, runCommand } from "./harness";
import type { RunResult } from "./harness";

const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "dist", "cpq-sso.js");

interface Reattach {
  readonly Pid: number;
  readonly Addr: { readonly Network: string; readonly String: string };
}

async function until(what: string, test: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `cpq-sso exec -- bash -c SCRIPT` in `cwd` with `env`, to its end. */
function exec(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runCommand(process.execPath, [CLI, "exec", "--", "bash", "-c", script], { cwd, env });
}

/**
 * Starts `cpq-sso exec -- bash -c SCRIPT`, a script that prints TF_REATTACH_PROVIDERS first, and
 * waits for it: the running exec, and our provider's entry of the variable.
 */
async function startExec(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; ours: Reattach }> {
  const child = spawn(process.execPath, [CLI, "exec", "--", "bash", "-c", script], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  await until("the command to start", () => out.includes("}}"));
  const ours = (JSON.parse(out) as Record<string, Reattach>)["registry.terraform.io/cpq-sso/cpq"]!;
  return { child, ours };
}

describe("cpq-sso exec, the process", () => {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const dir = ROOT;

  it("sets TF_REATTACH_PROVIDERS to a Unix socket in a private directory, removed at the end", async () => {
    const r = await exec(
      'printf %s "$TF_REATTACH_PROVIDERS"; exit 3',
      dir,
      // Another provider's entry is kept beside ours.
      { ...env, TF_REATTACH_PROVIDERS: '{"registry.terraform.io/acme/x":{"Pid":1}}' },
    );
    expect(r.code).toBe(3);
    const value = JSON.parse(r.stdout) as Record<string, Reattach>;
    expect(Object.keys(value).sort()).toEqual([
      "registry.opentofu.org/cpq-sso/cpq",
      "registry.terraform.io/acme/x",
      "registry.terraform.io/cpq-sso/cpq",
    ]);
    const ours = value["registry.terraform.io/cpq-sso/cpq"]!;
    expect(ours.Addr.Network).toBe("unix");
    expect(existsSync(ours.Addr.String)).toBe(false);
    await until("the provider to end", () => !isAlive(ours.Pid));
  });

  it("serves from a 0700 directory and a 0600 socket, never TCP", async () => {
    const r = await exec(
      'a=$(printf %s "$TF_REATTACH_PROVIDERS" | sed \'s/.*"String":"\\([^"]*\\)".*/\\1/\'); stat -c "%a %F" "$(dirname "$a")" "$a"',
      dir,
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual(["700 directory", "600 socket"]);
  });

  it("fails, saying so, when the provider dies during the command", async () => {
    const r = await exec(
      'kill -9 "$(printf %s "$TF_REATTACH_PROVIDERS" | sed \'s/.*"Pid":\\([0-9]*\\).*/\\1/\')"; sleep 0.3',
      dir,
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /The cpq provider process \(pid \d+\) ended while the command ran \(signal SIGKILL\)/,
    );
  });

  it("passes SIGTERM on to the command and returns its exit code; the provider ends too", async () => {
    const { child, ours } = await startExec(
      'trap "exit 7" TERM; printf %s "$TF_REATTACH_PROVIDERS"; sleep 20 & wait',
      env,
    );
    const code = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    child.kill("SIGTERM");
    expect(await code).toBe(7);
    await until("the provider to end", () => !isAlive(ours.Pid));
    expect(existsSync(ours.Addr.String)).toBe(false);
  });

  // script(1) runs exec on a pseudo-terminal, in its foreground, as a developer's shell does.
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  (hasScript ? it : it.skip)(
    "sends a terminal's Ctrl-C to the command once, not twice (terraform aborts on a second)",
    async () => {
      const inner = `exec node ${CLI} exec -- bash -c 'n=0; trap "n=\\$((n+1))" INT; sleep 2 & wait; sleep 0.3; echo interrupts=$n; exit 3'`;
      const child = spawn("script", ["-qec", inner, "/dev/null"], {
        env,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      await new Promise((r) => setTimeout(r, 1200));
      // ETX on the terminal: its line discipline sends SIGINT to the foreground process group.
      child.stdin.write("\x03");
      // script -e exits with the command's code: exec's, the command's own, not 130.
      const code = await new Promise((r) => child.once("exit", r));
      expect(out).toContain("interrupts=1");
      expect(code).toBe(3);
    },
  );

  it("leaves no provider behind when exec itself is killed outright", async () => {
    const { child, ours } = await startExec(
      'printf %s "$TF_REATTACH_PROVIDERS"; exec sleep 20',
      env,
    );
    child.kill("SIGKILL");
    await until("the provider to end", () => !isAlive(ours.Pid));
    await until("the socket directory to go", () => !existsSync(join(ours.Addr.String, "..")));
  });
});

describeWithTerraform("cpq-sso exec with terraform", () => {
  const fixture = new E2eFixture();
  // A second site, with a different number of users, for the commands run side by side.
  const other = new SimulatorFixture({ options: { generatedUsers: 20 }, resetEachTest: false });

  /**
   * The environment of a CI job: the site and the code cache, but no provider mirror in the CLI
   * configuration, so terraform can only reach the provider through exec.
   */
  const jobEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CPQ_SSO_CODE_CACHE: fixture.install.codeCacheDir,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    TF_CLI_CONFIG_FILE: "/dev/null",
    ...fixture.env(),
  });

  /** A directory with the SSO settings, one partner login and the users listing. */
  function stack(name: string, provider: Record<string, unknown> = {}): string {
    const dir = join(fixture.workspace().dir, name);
    mkdirSync(dir);
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        ...cpqProviderConfig(provider),
        data: { cpq_users: { all: {} } },
        resource: {
          cpq_sso_configuration: {
            sso: { sso_method: "None", saml_logout_url: "https://idp.example.com/logout" },
          },
          cpq_user_integration_login: {
            jdoe: { user_login: "jdoe", tab: "idp", login: "jdoe@login.example.com" },
          },
        },
        output: { users: { value: "${length(data.cpq_users.all.users)}" } },
      }),
    );
    return dir;
  }

  it("runs a script of terraform commands on one process, each seeing the live site", async () => {
    const dir = stack("job");
    const ready = join(dir, "ready");
    const changed = join(dir, "changed");
    const run = exec(
      [
        "set -u",
        "terraform init -input=false -no-color >/dev/null || exit 10",
        "terraform apply -auto-approve -input=false -no-color >/dev/null || exit 11",
        // Straight after the apply: nothing to do (no answer cached from before the apply).
        "terraform plan -input=false -no-color -detailed-exitcode >/dev/null; echo after-apply=$?",
        `touch ${ready}; while [ ! -e ${changed} ]; do sleep 0.05; done`,
        // After changes behind Terraform's back: both seen (no listing or settings cached).
        "terraform plan -input=false -no-color -detailed-exitcode > plan.txt; echo after-change=$?",
      ].join("\n"),
      dir,
      jobEnv(),
    );
    await until("the apply", () => existsSync(ready), 120_000);
    await fixture.sim.postSso({ samlLogoutUrl: "https://elsewhere.example.com/bye" });
    const listing = await fixture.sim.cpq("GET", "/rest/v19/users");
    const party = (listing.body as { items: { partyNumber: string; login: string }[] }).items.find(
      (u) => u.login === "jdoe",
    )!.partyNumber;
    const put = await fixture.sim.cpq("PUT", `/rest/v19/users/${party}/integrations/idp`, {
      login: "someone-else@login.example.com",
      authType: "oauth",
    });
    expect(put.status).toBeLessThan(300);
    writeFileSync(changed, "");
    const r = await run;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("after-apply=0");
    expect(r.stdout).toContain("after-change=2");
    const plan = readFileSync(join(dir, "plan.txt"), "utf8");
    expect(plan).toMatch(
      /saml_logout_url\s+= "https:\/\/elsewhere.example.com\/bye" -> "https:\/\/idp.example.com\/logout"/,
    );
    expect(plan).toMatch(/login\s+= "someone-else@login.example.com" -> "jdoe@login.example.com"/);
    // Under exec, init installs nothing: the provider is not read from any mirror.
    expect(existsSync(join(dir, ".terraform.lock.hcl"))).toBe(false);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it("serves two plans at once against different sites, each with its own configuration", async () => {
    const admin = cpqEnv(other.simulator);
    const a = stack("a");
    const b = stack("b", {
      base_url: admin.CPQ_BASE_URL,
      username: admin.CPQ_USERNAME,
      password: admin.CPQ_PASSWORD,
    });
    const plan = (d: string): string =>
      `(cd ${d} && terraform init -input=false -no-color >/dev/null && terraform plan -input=false -no-color > plan.txt; echo "${d}=$?")`;
    const r = await exec(`${plan(a)} & ${plan(b)} & wait`, fixture.workspace().dir, jobEnv());
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`${a}=0`);
    expect(r.stdout).toContain(`${b}=0`);
    const users = (d: string): string =>
      /\+ users = (\d+)/.exec(readFileSync(join(d, "plan.txt"), "utf8"))?.[1] ?? "none";
    const count = async (sim: SimAdmin): Promise<string> => {
      const res = await sim.cpq("GET", "/rest/v19/users?limit=1&totalResults=true");
      return String((res.body as { totalResults: number }).totalResults);
    };
    expect(users(a)).not.toBe(users(b));
    expect(users(a)).toBe(await count(fixture.sim));
    expect(users(b)).toBe(await count(other.sim));
  });
});

describeWithTerraform("cpq-sso exec: no secret in what it prints, under TF_LOG=trace", () => {
  const PROVIDER_PASSWORD = "canary-exec-provider-password-5e6f";
  const STORE_PASS_WO = "canary-exec-store-pass-wo-7a8b";
  const fixture = new E2eFixture({
    simulator: {
      credentials: { basic: [{ username: "execadmin", password: PROVIDER_PASSWORD, admin: true }] },
    },
  });

  it("keeps the provider's password and a write-only secret out of its output, logs and state", async () => {
    const dir = fixture.workspace().dir;
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        ...cpqProviderConfig(),
        variable: { store_pass: { type: "string", sensitive: true, ephemeral: true } },
        resource: {
          cpq_sso_configuration: {
            sso: { sso_method: "None", saml_store_pass_wo: "${var.store_pass}" },
          },
        },
      }),
    );
    const log = join(dir, "terraform-trace.log");
    const r = await exec(
      [
        "set -e",
        "terraform init -input=false -no-color",
        "terraform apply -auto-approve -input=false -no-color",
        "terraform plan -input=false -no-color -detailed-exitcode",
        "terraform show -json",
      ].join("\n"),
      dir,
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CPQ_SSO_CODE_CACHE: fixture.install.codeCacheDir,
        TF_CLI_CONFIG_FILE: "/dev/null",
        CHECKPOINT_DISABLE: "1",
        // Read by the provider when exec starts it: its log lines go to exec's stderr.
        TF_LOG: "trace",
        TF_LOG_PATH: log,
        CPQ_BASE_URL: fixture.simulator.url,
        CPQ_USERNAME: "execadmin",
        CPQ_PASSWORD: PROVIDER_PASSWORD,
        TF_VAR_store_pass: STORE_PASS_WO,
      },
    );
    expect(r.code).toBe(0);
    // The scan covers the provider's own trace lines, which exec prints.
    expect(r.stderr).toContain('"@module":"provider.cpq"');
    expect(r.stderr).toContain('"rpc":"ApplyResourceChange"');
    const state = readFileSync(join(dir, "terraform.tfstate"), "utf8");
    for (const [where, text] of [
      ["stdout", r.stdout],
      ["stderr", r.stderr],
      ["terraform's log", readFileSync(log, "utf8")],
      ["state", state],
    ] as const) {
      for (const secret of [PROVIDER_PASSWORD, STORE_PASS_WO]) {
        expect({ where, found: text.includes(secret) }).toEqual({ where, found: false });
      }
    }
  });
});
