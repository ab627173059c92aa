import { readFileSync } from "node:fs";
import { join } from "node:path";

// js-yaml (a declared dev dependency) parses the workflows as GitHub would; it ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string): unknown };

const ROOT = join(__dirname, "..", "..");

interface Step {
  uses?: string;
  run?: string;
  id?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, { steps?: Step[]; outputs?: Record<string, string> }>;
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
    "%s parses, sets up node and terraform without the wrapper, and passes secrets as TF_VAR_ and CPQ_ variables",
    (name) => {
      const w = load(name);
      const uses = steps(w).map((s) => s.uses ?? "");
      expect(uses).toEqual(
        expect.arrayContaining([
          "actions/checkout@v4",
          "actions/setup-node@v4",
          "hashicorp/setup-terraform@v3",
        ]),
      );
      // The wrapper would swallow terraform's exit codes, which the scripts read.
      const tf = steps(w).find((s) => s.uses === "hashicorp/setup-terraform@v3");
      expect(tf?.with?.terraform_wrapper).toBe(false);
      expect(runs(w)).toContain("npm ci");
      expect(runs(w)).toContain('CDKTF_OUTDIR=cdktf.out npx tsx "$APP"');
      expect(runs(w)).toContain("npx cpq-sso install");
      expect(runs(w)).toContain("TF_CLI_CONFIG_FILE=");
      expect(w.env?.TF_VAR_saml_store_pass).toBe("${{ secrets.SAML_STORE_PASS }}");
      expect(w.env?.CPQ_PASSWORD).toBe("${{ secrets.CPQ_PASSWORD }}");
    },
  );

  it("plans on pull requests and posts the comment found by its marker", () => {
    const w = load("pull-request.yml");
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(runs(w)).toContain('npx --no-install cpq-sso ci plan-comment "$STACK_DIR"');
    const post = steps(w).find((s) => s.uses === "actions/github-script@v7");
    expect(String(post?.with?.script)).toContain("<!-- cpq-sso-plan -->");
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

  it("checks drift nightly and uploads the JSON report even when the check fails", () => {
    const w = load("drift.yml");
    expect(Object.keys(w.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(runs(w)).toContain(
      'npx --no-install cpq-sso ci drift "$STACK_DIR" "$RUNNER_TEMP/drift-report.json"',
    );
    const upload = steps(w).find((s) => s.uses === "actions/upload-artifact@v4") as
      (Step & { if?: string }) | undefined;
    expect(upload?.if).toBe("always()");
  });
});
