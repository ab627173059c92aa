/**
 * The CI recipes with GitHub's variables set (GITHUB_ACTIONS, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT)
 * against a CPQ holding a hostile value (issue 24): a setting that closes a three-backtick fence
 * and opens an <img>, and holds lines a runner reads as workflow commands and terminal escapes.
 * The job summary keeps it inside a longer fence; the job log runs none of it as a command.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import { describeWithTerraform } from "./harness";
import {
  appliedStackEachTest,
  CANARY_SIMULATOR,
  expectNoCanary,
  read,
  runScript,
  stepEnv,
} from "./report-ci-harness";

const HOSTILE =
  "https://idp.example.com/bye```\n<img src=https://evil.example/summary.png>\n```\n" +
  "::warning::x\n  ::add-mask::y\n\u001b]0;owned\u0007\u001b[2J";

/**
 * Checks a job log as GitHub's runner reads it: every line that is a command (after leading
 * white space, `::`) lies inside the one stop-commands window the script opened, except the
 * window's own two lines. Returns the lines inside the window.
 */
function commandLinesAreInert(stdout: string): string[] {
  const lines = stdout.split("\n");
  const isCommand = (l: string) => l.trimStart().startsWith("::");
  const start = lines.findIndex((l) => /^::stop-commands::[0-9a-f]{32}$/.test(l));
  expect(start).toBeGreaterThanOrEqual(0);
  const token = lines[start]!.slice("::stop-commands::".length);
  const end = lines.lastIndexOf(`::${token}::`);
  expect(end).toBeGreaterThan(start);
  const outside = [...lines.slice(0, start), ...lines.slice(end + 1)].filter(isCommand);
  expect(outside).toEqual([]);
  const inside = lines.slice(start + 1, end);
  // The token is not resumed early inside the window.
  expect(inside.filter((l) => l.includes(token))).toEqual([]);
  return inside;
}

describeWithTerraform("CI recipes with a hostile value from CPQ (real terraform)", () => {
  const fixture = new E2eFixture({ simulator: CANARY_SIMULATOR });
  let stack: string;

  // Both tests start from a copy of the stack the apply recipe applied once (its run is neither
  // test's subject), with the site restored to what that apply left, and the hostile value in it.
  const appliedStack = appliedStackEachTest(fixture);
  beforeEach(async () => {
    stack = appliedStack();
    await fixture.sim.postSso({ samlLogoutUrl: HOSTILE });
  });

  it("drift.sh keeps the value inside a longer fence in the job summary and inert in the log", async () => {
    const step = stepEnv(fixture, { GITHUB_ACTIONS: "true" });
    const report = join(mkdtempSync(join(tmpdir(), "cpq-sso-ci-hostile-")), "drift.json");
    const r = await runScript("drift.sh", [stack, report], step.env);
    expect(r.code).toBe(2);
    const summary = read(step.stepSummary);
    for (const text of [r.stdout, r.stderr, summary]) expectNoCanary(text);
    commandLinesAreInert(r.stdout);
    expect(r.stdout).not.toContain("\u001b");
    expect(r.stdout).not.toContain("\u0007");

    // The summary: one fenced block, its fence longer than any backtick run inside, and the
    // <img> inside it.
    const lines = summary.split("\n");
    const open = lines.findIndex((l) => /^`{3,}text$/.test(l));
    expect(open).toBeGreaterThan(0);
    const fence = lines[open]!.replace(/text$/, "");
    const close = lines.indexOf(fence, open + 1);
    expect(close).toBeGreaterThan(open);
    const body = lines.slice(open + 1, close).join("\n");
    const longestInside = Math.max(0, ...(body.match(/`+/g) ?? []).map((m) => m.length));
    expect(fence.length).toBeGreaterThan(longestInside);
    expect(body).toContain("saml_logout_url");
    const img = summary.indexOf("<img");
    expect(img).toBeGreaterThan(summary.indexOf(lines[open]!));
    expect(img).toBeLessThan(summary.lastIndexOf(fence));
    expect(summary).not.toContain("\u001b");
  });

  it("apply.sh prints terraform's plan of the value with every command line inside the stop-commands window", async () => {
    const step = stepEnv(fixture, { GITHUB_ACTIONS: "true" });
    const r = await runScript("apply.sh", [stack], step.env);
    expect(r.code).toBe(0);
    expectNoCanary(r.stdout + r.stderr);
    const inside = commandLinesAreInert(r.stdout);
    // Terraform prints the multi-line value as a heredoc, one line of it per log line: the
    // window is what keeps any such line from being a command, whatever terraform prefixes it with.
    expect(inside.some((l) => l.includes("::warning::x"))).toBe(true);
    expect(inside.some((l) => l.includes("::add-mask::y"))).toBe(true);
  });
});
