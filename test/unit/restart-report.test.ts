/**
 * The pending restart as the pipeline reads it: `cpq-sso report --apply` (its `$GITHUB_OUTPUT`
 * lines and job summary) and `cpq-sso drift`, from states that hold one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { driftReport, driftText } from "../../provider/cli/drift";
import type { PlanJson } from "../../provider/cli/plan-json";
import { restartFlags, restartOutputLines, runApplyReport } from "../../provider/cli/restart";

const SINCE = "2026-12-07T03:00:00.000Z";

/** `terraform show -json` of a state with one SSO configuration holding `values`. */
function shownState(values: Record<string, unknown>): Record<string, unknown> {
  return {
    values: {
      root_module: {
        resources: [
          {
            address: "cpq_sso_configuration.sso",
            mode: "managed",
            type: "cpq_sso_configuration",
            name: "sso",
            values,
          },
        ],
      },
    },
  };
}

const PENDING = {
  restart_required: true,
  restart_pending_since: SINCE,
  restart_pending_reason: "CPQ asked for a restart after a change of\nid_provider_certificate",
};

describe("cpq-sso report --apply and a pending restart", () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "restart-report-"));
    process.env.GITHUB_OUTPUT = join(dir, "out");
    process.env.GITHUB_STEP_SUMMARY = join(dir, "summary.md");
    jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes restart_required, restart_pending_since and a one-line reason to GITHUB_OUTPUT", () => {
    const state = join(dir, "state.json");
    writeFileSync(state, JSON.stringify(shownState(PENDING)));
    expect(runApplyReport({ input: state, plan: undefined, exitCodeOnRestart: "3" })).toBe(3);
    expect(readFileSync(join(dir, "out"), "utf8")).toBe(
      `restart_required=true\nrestart_pending_since=${SINCE}\nrestart_pending_reason=CPQ asked for a restart after a change of id_provider_certificate\n`,
    );
    // Text from the state is shown as code in the summary.
    expect(readFileSync(join(dir, "summary.md"), "utf8")).toContain(
      `\`cpq_sso_configuration.sso\`: a restart has been pending since \`${SINCE}\``,
    );
  });

  it("writes restart_required=false and empty pending lines when nothing is pending", () => {
    const flags = restartFlags(JSON.stringify(shownState({ restart_required: false })));
    expect(restartOutputLines(flags)).toBe(
      "restart_required=false\nrestart_pending_since=\nrestart_pending_reason=\n",
    );
  });

  it("reads the pending record beside a restart_required output of terraform output -json", () => {
    const outputs = {
      sso_restart_required: { value: true },
      sso_restart_pending_since: { value: SINCE },
    };
    expect(restartFlags(JSON.stringify(outputs)).pending).toEqual([
      { address: "sso_restart_required", since: SINCE, reason: null },
    ]);
  });
});

describe("cpq-sso drift and a pending restart", () => {
  it("says since when a restart has been pending, without counting it as drift", () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "cpq_sso_configuration.sso",
          mode: "managed",
          type: "cpq_sso_configuration",
          name: "sso",
          change: { actions: ["no-op"], before: PENDING, after: PENDING },
        },
      ],
    } as unknown as PlanJson;
    const report = driftReport(plan);
    expect(report.inSync).toBe(true);
    expect(report.restartsPending).toHaveLength(1);
    expect(driftText(report)).toContain(
      `cpq_sso_configuration.sso: a restart has been pending since ${SINCE} (CPQ asked for a restart after a change of`,
    );
  });
});
