/**
 * The CLI commands read their arguments with node:util's parseArgs, strictly: a mistake on the
 * command line is an error naming the argument, with the command's usage, before anything runs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine } from "../../provider/cli/io";
import { runDrift } from "../../provider/cli/drift";
import { runInstall } from "../../provider/cli/install";
import { runReport } from "../../provider/cli/report";
import { runSchema } from "../../provider/cli/schema-command";

const PLAN = { format_version: "1.2", resource_changes: [] };

/** Runs `fn` with stdout and stderr captured. */
async function captured<T>(fn: () => Promise<T>): Promise<{ result: T; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = jest.spyOn(process.stdout, "write").mockImplementation((t) => {
    out += String(t);
    return true;
  });
  const e = jest.spyOn(process.stderr, "write").mockImplementation((t) => {
    err += String(t);
    return true;
  });
  try {
    return { result: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("parseCommandLine", () => {
  const spec = { options: { dir: { type: "string" }, check: { type: "boolean" } } } as const;

  it("reads --name VALUE, --name=VALUE and switches", () => {
    expect(parseCommandLine(["--dir", "a", "--check"], spec, "USAGE")).toMatchObject({
      values: { dir: "a", check: true },
    });
    expect(parseCommandLine(["--dir=b"], spec, "USAGE")).toMatchObject({ values: { dir: "b" } });
  });

  it("answers help for --help or -h anywhere, even beside a mistake", () => {
    expect(parseCommandLine(["--bogus", "--help"], spec, "USAGE")).toBe("help");
    expect(parseCommandLine(["-h"], spec, "USAGE")).toBe("help");
  });

  it.each([
    [["--bogus"], "--bogus"],
    [["-x"], "-x"],
    [["--dir"], "--dir"],
    [["--check=yes"], "--check"],
    [["stray"], "stray"],
  ])("rejects %j with an error naming %s, followed by the usage", (argv, named) => {
    expect(() => parseCommandLine(argv, spec, "USAGE-TEXT")).toThrow(
      new RegExp(`${named.replace(/-/g, "\\-")}[\\s\\S]*\\n\\nUSAGE-TEXT$`),
    );
  });
});

describe("the commands' arguments", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cpq-sso-cli-args-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("report rejects an unknown option, naming it, with the report usage", async () => {
    await expect(runReport(["plan.json", "--markdwon", "x.md"])).rejects.toThrow(
      /'--markdwon'[\s\S]*cpq-sso report \[PLAN_JSON\|-\]/,
    );
  });

  it("report rejects --markdown without a file instead of writing the comment to stdout", async () => {
    await expect(runReport(["plan.json", "--markdown"])).rejects.toThrow(/'--markdown <value>'/);
  });

  it("report still takes one input at most", async () => {
    await expect(runReport(["a.json", "b.json"])).rejects.toThrow(
      "one input at most, got a.json b.json.",
    );
  });

  it("report writes the comment and the summary to the files its options name", async () => {
    const plan = join(dir, "plan.json");
    writeFileSync(plan, JSON.stringify(PLAN));
    const md = join(dir, "comment.md");
    const json = join(dir, "summary.json");
    const { result, out } = await captured(() =>
      runReport([plan, `--markdown=${md}`, "--json", json]),
    );
    expect(result).toBe(0);
    expect(readFileSync(md, "utf8")).toContain("CPQ SSO");
    expect(JSON.parse(readFileSync(json, "utf8"))).toHaveProperty("verdict");
    expect(out.trim()).toBe(
      (JSON.parse(readFileSync(json, "utf8")) as { verdict: string }).verdict,
    );
  });

  it("report --apply still checks --exit-code-on-restart", async () => {
    const state = join(dir, "state.json");
    writeFileSync(state, JSON.stringify({ values: { root_module: { resources: [] } } }));
    await expect(runReport(["--apply", state, "--exit-code-on-restart", "300"])).rejects.toThrow(
      '--exit-code-on-restart takes an exit code from 0 to 255, not "300"',
    );
  });

  it("drift rejects a positional argument it used to ignore, with the drift usage", async () => {
    await expect(runDrift(["stack-dir"])).rejects.toThrow(/'stack-dir'[\s\S]*Usage: cpq-sso drift/);
  });

  it("drift rejects --certificate-days without a value instead of falling back to 30", async () => {
    await expect(runDrift(["--certificate-days"])).rejects.toThrow(/'--certificate-days <value>'/);
  });

  it("install exits 64 on an unexpected argument, naming it, with the install usage", async () => {
    const { result, err } = await captured(() => runInstall(["--dri", dir]));
    expect(result).toBe(64);
    expect(err).toMatch(/^cpq-sso install: .*'--dri'[\s\S]*Usage: cpq-sso install \[--dir D\]/);
  });

  it("install prints its usage for --help and installs nothing", async () => {
    const { result, out } = await captured(() => runInstall(["--help"]));
    expect(result).toBe(0);
    expect(out).toContain("Usage: cpq-sso install [--dir D]");
  });

  it("schema prints the schema, on one line with --json, and exits 64 on an unknown option", async () => {
    const one = await captured(() => Promise.resolve(runSchema(["--json"])));
    expect(one.result).toBe(0);
    expect(one.out.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(one.out)).toHaveProperty("provider_schemas");
    const bad = await captured(() => Promise.resolve(runSchema(["--jsn"])));
    expect(bad.result).toBe(64);
    expect(bad.out).toBe("");
    expect(bad.err).toContain("Unknown option '--jsn'");
    expect(bad.err).toContain("Usage: cpq-sso schema [--json]");
  });
});
