import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

// js-yaml (a declared dev dependency) parses the workflows as GitHub would; it ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string): unknown };

const ROOT = join(__dirname, "..", "..");

interface Step {
  uses?: string;
  run?: string;
  id?: string;
  name?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  steps?: Step[];
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  environment?: string;
  permissions?: Record<string, string>;
  needs?: string;
  if?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOWS = join(ROOT, "examples", "github-actions");
const load = (name: string): Workflow =>
  yaml.load(readFileSync(join(WORKFLOWS, name), "utf8")) as Workflow;
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
const runs = (w: Workflow): string =>
  steps(w)
    .map((s) => s.run ?? "")
    .join("\n");

/** Every workflow under examples/github-actions, the HCL variants in hcl/ included. */
const ALL: readonly string[] = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? walk(join(dir, e.name))
      : /\.ya?ml$/.test(e.name)
        ? [relative(WORKFLOWS, join(dir, e.name)).split("\\").join("/")]
        : [],
  );
})(WORKFLOWS).sort();

/** action-validator's CLI (GitHub's workflow schema, offline), on one file: its exit and report. */
function actionValidator(file: string): { status: number | null; output: string } {
  const pkg = require.resolve("@action-validator/cli/package.json");
  const { bin } = JSON.parse(readFileSync(pkg, "utf8")) as { bin: Record<string, string> };
  const cli = join(dirname(pkg), bin["action-validator"]!);
  const r = spawnSync(process.execPath, [cli, file], { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("example GitHub workflows against GitHub's workflow schema (action-validator)", () => {
  it("finds both variants of each workflow", () => {
    expect(ALL).toEqual([
      "apply.yml",
      "drift.yml",
      "hcl/apply.yml",
      "hcl/drift.yml",
      "hcl/pull-request.yml",
      "pull-request.yml",
    ]);
  });

  it.each(ALL)("%s has no schema error", (name) => {
    expect(actionValidator(join(WORKFLOWS, name))).toEqual({ status: 0, output: "" });
  });

  it("fails a workflow with a misspelt job key, so a pass above means something", () => {
    const dir = mkdtempSync(join(tmpdir(), "workflow-lint-"));
    const file = join(dir, "broken.yml");
    writeFileSync(
      file,
      readFileSync(join(WORKFLOWS, "hcl", "apply.yml"), "utf8").replace(
        "    runs-on: ubuntu-latest\n    permissions: {}\n",
        "    runs_on: ubuntu-latest\n    permissions: {}\n",
      ),
    );
    const r = actionValidator(file);
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.output).toContain("Additional property 'runs_on' is not allowed");
  });
});

describe("example GitHub workflows for a plain-HCL repository (hcl/)", () => {
  const version = (
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }
  ).version;

  it.each(["hcl/pull-request.yml", "hcl/apply.yml", "hcl/drift.yml"])(
    "%s needs no package.json: no npm ci, no synth, cpq-sso pinned into a tool directory, the HCL directory as the stack",
    (name) => {
      const w = load(name);
      expect(runs(w)).not.toMatch(/npm ci|npx |tsx|cdktf/);
      expect(w.env?.STACK_DIR).toBe("examples/hcl");
      expect(existsSync(join(ROOT, w.env!.STACK_DIR!, "main.tf"))).toBe(true);
      // An exact version (the registry records its integrity), never a range or a tag.
      expect(w.env?.CPQ_SSO_PACKAGE).toBe(`cpq-sso@${version}`);
      for (const job of Object.values(w.jobs).filter((j) =>
        JSON.stringify(j).includes("cpq-sso ci "),
      )) {
        const install = job.steps?.find((s) => s.run?.includes("npm install --global --prefix"));
        expect(install?.run).toContain("--ignore-scripts --legacy-peer-deps");
        // A tarball is installed only when its integrity is the one pinned.
        expect(install?.run).toContain('if [[ $got != "$CPQ_SSO_INTEGRITY" ]]');
        expect(install?.run).toContain('cpq-sso" install --dir "$RUNNER_TEMP/cpq-sso"');
        expect(install?.run).toContain('"$GITHUB_PATH"');
        expect(JSON.stringify(install)).not.toContain("secrets.");
        const tf = job.steps?.find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"));
        expect(tf?.with?.terraform_wrapper).toBe(false);
      }
      const recipe = steps(w).find((s) => s.run?.startsWith("cpq-sso ci "));
      expect(recipe?.run).toContain('"$STACK_DIR"');
      expect(recipe?.env?.TF_VAR_saml_store_pass).toBe("${{ secrets.SAML_STORE_PASS }}");
    },
  );

  it.each(["pull-request.yml", "apply.yml", "drift.yml"])(
    "hcl/%s keeps the triggers, jobs, environments and permissions of the CDKTF variant",
    (name) => {
      const shape = (w: Workflow): unknown => ({
        on: w.on,
        permissions: w.permissions,
        jobs: Object.fromEntries(
          Object.entries(w.jobs).map(([id, j]) => [
            id,
            {
              needs: j.needs,
              if: j.if,
              environment: j.environment,
              permissions: j.permissions,
              outputs: j.outputs,
            },
          ]),
        ),
      });
      expect(shape(load(`hcl/${name}`))).toEqual(shape(load(name)));
    },
  );
});

describe("example GitHub workflows", () => {
  it.each(["pull-request.yml", "apply.yml", "drift.yml"])(
    "%s parses, sets up node and terraform without the wrapper, and passes secrets to the recipe's step as TF_VAR_ and CPQ_ variables",
    (name) => {
      const w = load(name);
      const uses = steps(w).map((s) => (s.uses ?? "").replace(/@.*/, ""));
      expect(uses).toEqual(
        expect.arrayContaining([
          "actions/checkout",
          "actions/setup-node",
          "hashicorp/setup-terraform",
        ]),
      );
      // The wrapper would swallow terraform's exit codes, which the scripts read.
      const tf = steps(w).find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"));
      expect(tf?.with?.terraform_wrapper).toBe(false);
      expect(runs(w)).toContain("npm ci");
      expect(runs(w)).toContain('CDKTF_OUTDIR=cdktf.out npx tsx "$APP"');
      expect(runs(w)).toContain("npx cpq-sso install");
      expect(runs(w)).toContain("TF_CLI_CONFIG_FILE=");
      const recipe = steps(w).find((s) => s.run?.includes("cpq-sso ci "));
      expect(recipe?.env?.TF_VAR_saml_store_pass).toBe("${{ secrets.SAML_STORE_PASS }}");
      expect(recipe?.env?.CPQ_PASSWORD).toMatch(/^\$\{\{ secrets\.CPQ_[A-Z_]*PASSWORD \}\}$/);
    },
  );

  it("plans on pull requests and posts the comment found by its marker", () => {
    const w = load("pull-request.yml");
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(runs(w)).toContain('npx --no-install cpq-sso ci plan-comment "$STACK_DIR"');
    const post = steps(w).find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(post?.env?.MARKER).toBe("${{ needs.plan.outputs.marker }}");
    expect(w.jobs.plan?.outputs?.marker).toBe("${{ steps.plan.outputs.marker }}");
  });

  it.each(["pull-request.yml", "hcl/pull-request.yml"])(
    "%s updates only the bot's own comment whose first line is this stack's marker",
    async (name) => {
      const w = load(name);
      const post = steps(w).find((s) => s.uses?.startsWith("actions/github-script@"));
      const marker = "<!-- cpq-sso-plan stack=basic -->";
      const bot = "github-actions[bot]";
      const comments = [
        // Forged: a reviewer's comment that starts with the marker.
        { id: 1, user: { login: "mallory" }, body: `${marker}\nApprove me` },
        // Another stack of the same repository: its marker only starts alike.
        { id: 2, user: { login: bot }, body: "<!-- cpq-sso-plan stack=basic-eu -->\n..." },
        // The marker quoted inside another comment of the bot.
        { id: 3, user: { login: bot }, body: `Old note\n${marker}` },
        { id: 4, user: { login: bot }, body: `${marker}\r\nthe previous plan` },
      ];
      const calls: string[] = [];
      const github = {
        paginate: async () => comments,
        rest: {
          issues: {
            listComments: {},
            updateComment: async (a: { comment_id: number }) =>
              calls.push(`update ${a.comment_id}`),
            createComment: async () => calls.push("create"),
          },
        },
      };
      const context = { repo: { owner: "acme", repo: "sso" }, issue: { number: 7 } };
      const dir = mkdtempSync(join(tmpdir(), "pr-comment-"));
      const file = join(dir, "comment.md");
      writeFileSync(file, `${marker}\nnew plan`);
      const env = { COMMENT_FILE: file, MARKER: marker };
      // github-script runs the script as the body of an async function given these names.
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
        ...args: string[]
      ) => (...a: unknown[]) => Promise<unknown>;
      const run = new AsyncFunction(
        "require",
        "github",
        "context",
        "process",
        String(post?.with?.script),
      );
      await run(require, github, context, { env });
      expect(calls).toEqual(["update 4"]);
      comments.pop();
      calls.length = 0;
      await run(require, github, context, { env });
      expect(calls).toEqual(["create"]);
      rmSync(dir, { recursive: true, force: true });
    },
  );

  it("applies on main and exposes restart_required as a job output", () => {
    const w = load("apply.yml");
    expect(w.on).toEqual({ push: { branches: ["main"] } });
    expect(runs(w)).toContain('npx --no-install cpq-sso ci apply "$STACK_DIR"');
    expect(w.jobs.apply?.outputs?.restart_required).toBe(
      "${{ steps.apply.outputs.restart_required }}",
    );
    expect(steps(w).find((s) => s.id === "apply")).toBeDefined();
  });

  it.each(["apply.yml", "hcl/apply.yml"])(
    "%s runs the restart job after a failed apply too: the restart is owed whatever failed after it",
    (name) => {
      const w = load(name);
      // Without always(), GitHub skips a job whose need failed, whatever its condition says.
      expect(w.jobs.restart?.if).toBe("always() && needs.apply.outputs.restart_required == 'true'");
      expect(w.jobs.apply?.outputs?.restart_required).toBe(
        "${{ steps.apply.outputs.restart_required }}",
      );
    },
  );

  it("checks drift nightly and uploads the JSON report even when the check fails", () => {
    const w = load("drift.yml");
    expect(Object.keys(w.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(runs(w)).toContain(
      'npx --no-install cpq-sso ci drift "$STACK_DIR" "$RUNNER_TEMP/drift-report.json"',
    );
    const upload = steps(w).find((s) => s.uses?.startsWith("actions/upload-artifact@")) as
      (Step & { if?: string }) | undefined;
    expect(upload?.if).toBe("always()");
  });

  it.each(ALL)(
    "%s pins every action by commit, grants nothing by default, and puts secrets only in the steps that run a recipe",
    (name) => {
      const w = load(name);
      const text = readFileSync(join(WORKFLOWS, name), "utf8");
      for (const s of steps(w).filter((x) => x.uses)) {
        expect({ uses: s.uses, pinned: /@[0-9a-f]{40}$/.test(s.uses!) }).toEqual({
          uses: s.uses,
          pinned: true,
        });
      }
      expect(w.permissions).toEqual({});
      // No secret in the workflow's or a job's environment, where npm ci's install scripts run.
      expect(JSON.stringify(w.env ?? {})).not.toContain("secrets.");
      for (const job of Object.values(w.jobs)) {
        expect(JSON.stringify(job.env ?? {})).not.toContain("secrets.");
        for (const s of job.steps ?? []) {
          const usesSecrets = JSON.stringify(s).includes("secrets.");
          if (usesSecrets) expect(s.run ?? "").toMatch(/^(npx --no-install )?cpq-sso ci /);
        }
      }
      // A checkout leaves no token behind for the code that runs after it.
      for (const s of steps(w).filter((x) => x.uses?.startsWith("actions/checkout@"))) {
        expect(s.with?.["persist-credentials"]).toBe(false);
      }
      expect(text).not.toMatch(/pull_request_target/);
    },
  );

  it("plans a pull request behind an environment with read-only CPQ credentials, and comments from a job without them", () => {
    const w = load("pull-request.yml");
    const plan = w.jobs.plan!;
    expect(plan.environment).toBe("cpq-plan");
    expect(plan.permissions).toEqual({ contents: "read" });
    const step = plan.steps!.find((s) => s.id === "plan");
    expect(step?.env?.CPQ_PASSWORD).toBe("${{ secrets.CPQ_READONLY_PASSWORD }}");
    const comment = w.jobs.comment!;
    expect(comment.permissions).toEqual({ "pull-requests": "write" });
    expect(JSON.stringify(comment)).not.toContain("secrets.");
    expect(JSON.stringify(comment)).not.toContain("actions/checkout");
  });

  it("applies on main in an environment with reviewers whenever the plan carries a risk label", () => {
    const w = load("apply.yml");
    const plan = w.jobs.plan!;
    for (const label of [
      "labels",
      "restart_required",
      "destroys",
      "replaces_live_settings",
      "certificate_expiring",
      "lockout_risk",
    ]) {
      expect(plan.outputs?.[label]).toBe(`\${{ steps.plan.outputs.${label} }}`);
    }
    expect(plan.steps!.find((s) => s.id === "plan")?.env?.CPQ_PASSWORD).toBe(
      "${{ secrets.CPQ_READONLY_PASSWORD }}",
    );
    const apply = w.jobs.apply!;
    expect(apply.needs).toBe("plan");
    expect(apply.environment).toBe(
      "${{ needs.plan.outputs.labels != '' && 'cpq-production-risky' || 'cpq-production' }}",
    );
  });
});
