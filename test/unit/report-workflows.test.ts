import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

const load = (name: string): Workflow =>
  yaml.load(readFileSync(join(ROOT, "examples", "github-actions", name), "utf8")) as Workflow;
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
const runs = (w: Workflow): string =>
  steps(w)
    .map((s) => s.run ?? "")
    .join("\n");

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

  it("updates only the bot's own comment whose first line is this stack's marker", async () => {
    const w = load("pull-request.yml");
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
          updateComment: async (a: { comment_id: number }) => calls.push(`update ${a.comment_id}`),
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
  });

  it("applies on main and exposes restart_required as a job output", () => {
    const w = load("apply.yml");
    expect(w.on).toEqual({ push: { branches: ["main"] } });
    expect(runs(w)).toContain('npx --no-install cpq-sso ci apply "$STACK_DIR"');
    expect(w.jobs.apply?.outputs?.restart_required).toBe(
      "${{ steps.apply.outputs.restart_required }}",
    );
    expect(steps(w).find((s) => s.id === "apply")).toBeDefined();
  });

  it("runs the restart job after a failed apply too: the restart is owed whatever failed after it", () => {
    const w = load("apply.yml");
    // Without always(), GitHub skips a job whose need failed, whatever its condition says.
    expect(w.jobs.restart?.if).toBe("always() && needs.apply.outputs.restart_required == 'true'");
  });

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

  it.each(["pull-request.yml", "apply.yml", "drift.yml"])(
    "%s pins every action by commit, grants nothing by default, and puts secrets only in the steps that run a recipe",
    (name) => {
      const w = load(name);
      const text = readFileSync(join(ROOT, "examples", "github-actions", name), "utf8");
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
          if (usesSecrets) expect(s.run ?? "").toMatch(/npx --no-install cpq-sso ci /);
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
