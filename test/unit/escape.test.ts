/**
 * Text from CPQ or a plan, escaped for the terminal (Terraform's diagnostics), a CI job log and a
 * GitHub job summary (issue 24): hostile logins and error messages come out as inert text.
 */
import { MAX_DETAIL_CHARS, MAX_SUMMARY_CHARS, logText, visible } from "../../provider/text/escape";
import { fencedBlock } from "../../provider/cli/markdown";
import { driftText } from "../../provider/cli/drift";
import type { DriftReport } from "../../provider/cli/drift";
import { toProtoDiagnostic } from "../../provider/plugin/provider-service";

const ESC = "\u001b";
/** What the review found printed raw: clear screen, a fake "No changes" line, OSC 52, a title. */
const TERMINAL_ATTACK =
  `CPQ says no${ESC}[2J${ESC}[H\r${ESC}[32mNo changes.${ESC}[0m Your infrastructure matches.` +
  `${ESC}]52;c;ZWNobyBwd25lZA==\u0007${ESC}]0;owned\u0007 \u202egnp.exe\u202c \u009b31m`;
const FENCE_LOGIN = "jdoe```\n<img src=https://evil.example/summary.png>\n```";
const COMMAND_LOGIN = "jdoe\n::warning::x\n  ::add-mask::y\n##[error]z\n##vso[task.setvariable]w";

/** The control and bidi characters a terminal would act on or a reader would not see. */
function hidden(text: string): string[] {
  return [...text].filter((c) => {
    const n = c.codePointAt(0)!;
    return (
      (n < 0x20 && n !== 0x0a && n !== 0x09) ||
      (n >= 0x7f && n <= 0x9f) ||
      n === 0x061c ||
      (n >= 0x200b && n <= 0x200f) ||
      (n >= 0x2028 && n <= 0x202e) ||
      (n >= 0x2060 && n <= 0x2069) ||
      n === 0xfeff
    );
  });
}

describe("text shown in a terminal", () => {
  it("shows ESC, BEL, CR, C1 and bidi characters as escapes, so none acts", () => {
    const out = visible(TERMINAL_ATTACK);
    expect(hidden(out)).toEqual([]);
    expect(out).not.toContain("\r");
    expect(out).toContain("\\u001b[2J");
    expect(out).toContain("\\u001b]52;c;");
    expect(out).toContain("\\u202e");
    expect(out).toContain("\\u009b31m");
  });

  it("keeps line feeds in a detail but shows them in a summary, and caps both", () => {
    expect(visible("a\nb", { multiline: true })).toBe("a\nb");
    expect(visible("a\nb")).toBe("a\\u000ab");
    const long = visible(`${ESC}`.repeat(10_000), { max: 100 });
    expect(long.length).toBeLessThan(160);
    expect(long).toMatch(/cut: 10000 characters in all/);
    // A cut never leaves half of a surrogate pair.
    const emoji = visible("😀".repeat(100), { max: 51 });
    expect(emoji).toBe(`${"😀".repeat(25)}... (cut: 200 characters in all)`);
  });

  it("sends Terraform a diagnostic whose summary and detail hold no escape sequence and are capped", () => {
    const d = toProtoDiagnostic({
      severity: "error",
      summary: `CPQ refused the login ${COMMAND_LOGIN}${TERMINAL_ATTACK}`,
      detail: `${TERMINAL_ATTACK}\n${"x".repeat(10 * MAX_DETAIL_CHARS)}`,
    });
    expect(hidden(d.summary ?? "")).toEqual([]);
    expect(d.summary).not.toContain("\n");
    expect(hidden(d.detail ?? "")).toEqual([]);
    expect(d.summary!.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS + 60);
    expect(d.detail!.length).toBeLessThanOrEqual(MAX_DETAIL_CHARS + 60);
  });
});

describe("text in a CI job log", () => {
  it("leaves no line a runner reads as a workflow command", () => {
    const out = logText(`Drift:\n  login: live "${COMMAND_LOGIN}"\n${TERMINAL_ATTACK}`);
    for (const line of out.split("\n")) {
      expect(line.trimStart()).not.toMatch(/^(::|##\[|##vso\[)/);
    }
    expect(out).toContain("\\::warning::x");
    expect(hidden(out)).toEqual([]);
  });

  it("writes drift's report of a hostile check message as inert log text", () => {
    const report = {
      inSync: false,
      drift: false,
      certificateExpiring: false,
      checksFailed: true,
      certificateDays: 30,
      resources: [],
      certificates: [],
      checks: [{ address: "check.login", messages: [COMMAND_LOGIN] }],
    } as unknown as DriftReport;
    const out = logText(driftText(report));
    expect(out.split("\n").filter((l) => /^\s*(::|##\[)/.test(l))).toEqual([]);
  });
});

describe("text in a fenced markdown block (a comment, a job summary)", () => {
  it("fences a login that closes a three-backtick fence with a longer fence", () => {
    const block = fencedBlock(`login: ${FENCE_LOGIN}`);
    const lines = block.trimEnd().split("\n");
    const fence = lines[0]!;
    expect(fence).toBe("````");
    expect(lines[lines.length - 1]).toBe(fence);
    // No line inside is a fence that could close the block.
    for (const line of lines.slice(1, -1)) expect(line.trim().startsWith(fence)).toBe(false);
  });

  it("always uses a fence longer than the longest run of backticks inside", () => {
    for (let n = 0; n < 12; n++) {
      const block = fencedBlock(`a${"`".repeat(n)}b`);
      expect(block.startsWith(`${"`".repeat(Math.max(3, n + 1))}\n`)).toBe(true);
    }
  });
});
