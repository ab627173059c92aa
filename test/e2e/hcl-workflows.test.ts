/**
 * The HCL workflows (examples/github-actions/hcl/) run as a runner would run them, against the
 * simulator: each job's `run:` steps in order, in a checkout holding examples/hcl and no
 * package.json, with GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY set, and
 * cpq-sso installed by the workflow's own step from the packed tarball, pinned by its integrity.
 * The pull request's plan writes the comment, which the comment job's script posts; the apply of
 * a change CPQ restarts for reports restart_required=true, the restart job's condition holds
 * for it even with the apply job failed by RESTART_EXIT_CODE, and its step runs; the nightly
 * drift job then finds the site in sync.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import { evaluateCondition, jobRuns, loadWorkflow, runJob } from "../support/workflow-runner";
import type { JobRun, RunnerSetup } from "../support/workflow-runner";
import { codeCacheEnv, siteAdministrator } from "../../tooling/terraform-env";
import { describeWithTerraform } from "./harness";

const REPO = join(__dirname, "..", "..");
const WORKFLOWS = join(REPO, "examples", "github-actions", "hcl");

/** examples/hcl's secrets, as canaries: none may appear in any step's output. */
const SECRETS = {
  SAML_REQUEST_KEYSTORE: Buffer.from("hcl-workflow-keystore-6a1f").toString("base64"),
  SAML_STORE_PASS: "hcl-workflow-store-pass-d20c",
  SAML_KEY_PASS: "hcl-workflow-key-pass-7b93",
} as const;

/** The environment for npm outside this repository: none of the outer `npm test`'s settings. */
function npmEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        e[1] !== undefined && !/^npm_/i.test(e[0]) && e[0] !== "INIT_CWD",
    ),
  );
}

/** Fails naming the step that printed a secret. */
function expectNoSecret(run: JobRun): void {
  for (const step of run.steps) {
    for (const [name, value] of Object.entries(SECRETS)) {
      const found = `${step.stdout}${step.stderr}`.includes(value);
      expect({ step: step.name, name, found }).toEqual({ step: step.name, name, found: false });
    }
  }
}

/** A job's steps that did not exit 0, with their output, for a readable failure. */
const failures = (run: JobRun): string[] =>
  run.steps
    .filter((s) => s.code !== 0)
    .map((s) => `${s.name} exited ${s.code}\n${s.stdout}\n${s.stderr}`);

describeWithTerraform(
  "the HCL workflows, their run: steps run locally against the simulator",
  () => {
    const fixture = new E2eFixture({ resetEachTest: false });
    let setup: RunnerSetup;
    let tarball: string;
    let integrity: string;

    beforeAll(() => {
      // What a team's release step does: npm pack, and the integrity npm prints for the tarball.
      const dest = mkdtempSync(join(tmpdir(), "cpq-sso-hcl-wf-pack-"));
      const pack = spawnSync(
        "npm",
        ["pack", "--ignore-scripts", "--json", "--pack-destination", dest],
        { cwd: REPO, env: npmEnv(), encoding: "utf8" },
      );
      if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
      const [info] = JSON.parse(pack.stdout) as { filename: string; integrity: string }[];
      tarball = join(dest, info!.filename);
      integrity = info!.integrity;

      // The checkout: the HCL root module and nothing else (no package.json).
      const workspace = mkdtempSync(join(tmpdir(), "cpq-sso-hcl-wf-repo-"));
      cpSync(join(REPO, "examples", "hcl"), join(workspace, "examples", "hcl"), {
        recursive: true,
      });
      const runnerTemp = mkdtempSync(join(tmpdir(), "cpq-sso-hcl-wf-temp-"));
      const home = join(runnerTemp, "_home");
      mkdirSync(home);
      const npmCache = spawnSync("npm", ["config", "get", "cache"], {
        env: npmEnv(),
        encoding: "utf8",
      }).stdout.trim();
      const admin = siteAdministrator(fixture.simulator);
      setup = {
        workspace,
        runnerTemp,
        baseEnv: {
          PATH: process.env.PATH ?? "",
          // A runner's own home: no ~/.terraformrc of this machine's user.
          HOME: home,
          // saxes and zod from npm's cache, which `npm ci` of this repository filled.
          npm_config_cache: npmCache,
          npm_config_prefer_offline: "true",
          CHECKPOINT_DISABLE: "1",
          ...codeCacheEnv(),
        },
        vars: { CPQ_BASE_URL: fixture.simulator.url },
        secrets: {
          CPQ_READONLY_USERNAME: admin.username,
          CPQ_READONLY_PASSWORD: admin.password,
          CPQ_USERNAME: admin.username,
          CPQ_PASSWORD: admin.password,
          ...SECRETS,
        },
      };
    }, 120_000);

    /** The workflow's package settings pointed at the packed tarball, as a team without a registry sets them. */
    const fromTarball = (): Record<string, string> => ({
      CPQ_SSO_PACKAGE: tarball,
      CPQ_SSO_INTEGRITY: integrity,
    });

    it("refuses a tarball whose integrity is not the pinned one, before installing anything", async () => {
      const w = loadWorkflow(join(WORKFLOWS, "pull-request.yml"));
      const run = await runJob(
        w,
        "plan",
        setup,
        {},
        {
          CPQ_SSO_PACKAGE: tarball,
          CPQ_SSO_INTEGRITY: `sha512-${Buffer.alloc(64).toString("base64")}`,
        },
      );
      expect(run.result).toBe("failure");
      expect(run.steps.map((s) => [s.name, s.code])).toEqual([
        ["Install cpq-sso and the provider", 1],
      ]);
      expect(run.steps[0]!.stdout).toContain("::error::");
      expect(existsSync(join(setup.runnerTemp, "cpq-sso-tool"))).toBe(false);
    }, 120_000);

    it("pull request: the plan job writes the comment under the stack's marker, and the comment job posts it", async () => {
      const w = loadWorkflow(join(WORKFLOWS, "pull-request.yml"));
      const plan = await runJob(w, "plan", setup, {}, fromTarball());
      expect(failures(plan)).toEqual([]);
      expect(plan.steps.map((s) => s.name)).toEqual([
        "Install cpq-sso and the provider",
        "Plan and write the comment",
        "Job summary",
      ]);
      expectNoSecret(plan);
      const comment = readFileSync(join(setup.runnerTemp, "report", "comment.md"), "utf8");
      expect(comment.split("\n", 1)[0]).toBe("<!-- cpq-sso-plan stack=hcl -->");
      expect(plan.outputs.marker).toBe("<!-- cpq-sso-plan stack=hcl -->");
      expect(plan.outputs.labels).toContain("restart-required");
      expect(plan.summary).toBe(comment);

      // The comment job: its github-script, given the job's env and a stand-in for the API.
      const job = w.jobs.comment!;
      expect(jobRuns(job, { ...ctx(), needs: { plan } })).toBe(true);
      const post = job.steps!.find((s) => s.uses?.startsWith("actions/github-script@"))!;
      const env = Object.fromEntries(
        Object.entries(post.env ?? {}).map(([k, v]) => [
          k,
          String(v)
            .replace("${{ runner.temp }}", setup.runnerTemp)
            .replace("${{ needs.plan.outputs.marker }}", plan.outputs.marker!),
        ]),
      );
      const posted: string[] = [];
      const github = {
        paginate: () => Promise.resolve([]),
        rest: {
          issues: {
            listComments: {},
            updateComment: () => Promise.reject(new Error("no comment to update")),
            createComment: (a: { body: string }) => Promise.resolve(posted.push(a.body)),
          },
        },
      };
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
        ...args: string[]
      ) => (...a: unknown[]) => Promise<unknown>;
      await new AsyncFunction("require", "github", "context", "process", String(post.with?.script))(
        require,
        github,
        { repo: { owner: "acme", repo: "sso" }, issue: { number: 7 } },
        { env },
      );
      expect(posted).toEqual([comment]);
    }, 300_000);

    it("main: the apply of a change CPQ restarts for reports restart_required=true, and the restart job runs although RESTART_EXIT_CODE failed the apply job", async () => {
      const w = loadWorkflow(join(WORKFLOWS, "apply.yml"));
      const plan = await runJob(w, "plan", setup, {}, fromTarball());
      expect(failures(plan)).toEqual([]);
      expect(plan.outputs.restart_required).toBe("true");
      expect(plan.outputs.labels).toContain("restart-required");

      const apply = await runJob(
        w,
        "apply",
        setup,
        { plan },
        {
          ...fromTarball(),
          RESTART_EXIT_CODE: "3",
        },
      );
      expectNoSecret(apply);
      // Applied, and failed on purpose by RESTART_EXIT_CODE: the outputs stand.
      expect(apply.steps.map((s) => [s.name, s.code])).toEqual([
        ["Install cpq-sso and the provider", 0],
        ["Apply", 3],
      ]);
      expect(apply.result).toBe("failure");
      expect(apply.outputs.restart_required).toBe("true");
      expect(apply.outputs.restart_pending_since).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(apply.summary).toContain("restart required");
      expect((await fixture.sim.state()).sso.ssoMethod).toBe("Federated Authentication");

      const restart = w.jobs.restart!;
      const needs = { apply };
      expect(restart.if).toBe("always() && needs.apply.outputs.restart_required == 'true'");
      expect(jobRuns(restart, { ...ctx(), needs })).toBe(true);
      // Without always(), GitHub's implicit success() would skip it after the failed apply.
      const withoutAlways = "success() && needs.apply.outputs.restart_required == 'true'";
      expect(evaluateCondition(withoutAlways, { ...ctx(), needs })).toBe(false);
      const ran = await runJob(w, "restart", setup, needs);
      expect(failures(ran)).toEqual([]);
      expect(ran.steps[0]!.stdout).toMatch(
        /^::warning title=CPQ restart required::CPQ asked for a server restart \(pending since \d{4}-/,
      );

      // The same restart is reported on the next run, until restart_done_at acknowledges it.
      const again = await runJob(w, "apply", setup, { plan }, fromTarball());
      expect(failures(again)).toEqual([]);
      expect(again.outputs.restart_required).toBe("true");
      expect(jobRuns(restart, { ...ctx(), needs: { apply: again } })).toBe(true);
    }, 600_000);

    it("nightly: the drift job finds the applied site in sync and writes its JSON report", async () => {
      const w = loadWorkflow(join(WORKFLOWS, "drift.yml"));
      const drift = await runJob(w, "drift", setup, {}, fromTarball());
      expect(failures(drift)).toEqual([]);
      expectNoSecret(drift);
      const report = JSON.parse(
        readFileSync(join(setup.runnerTemp, "drift-report.json"), "utf8"),
      ) as { inSync: boolean };
      expect(report.inSync).toBe(true);
      expect(drift.summary).toContain("in sync");
    }, 300_000);

    /** The expression context outside any job: the runner's temp, no needs, no steps. */
    function ctx(): Parameters<typeof evaluateCondition>[1] {
      return { secrets: {}, vars: {}, runnerTemp: setup.runnerTemp, needs: {}, steps: {} };
    }
  },
);
