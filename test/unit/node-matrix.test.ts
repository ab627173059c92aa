/**
 * The Node.js matrix says the same everywhere: package.json's `engines`, the Node `npm test` is
 * pinned to, the Node 24 tier, the README's "Needs" line and table, docs/hcl-and-opentofu.md and
 * the example workflows' `node-version`. The table's cells are what the end-to-end tests run
 * (test/support/framework-clis.ts, test/e2e/node-versions.test.ts), so it is tested as written.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { NODE_24, pinnedNodeVersion } from "../../tooling/node-runtime";
import { FRAMEWORK_CLIS } from "../support/framework-clis";

// js-yaml (a declared dev dependency) parses the workflows as GitHub would; it ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string): unknown };

const ROOT = join(__dirname, "..", "..");
const read = (file: string): string => readFileSync(join(ROOT, file), "utf8");
const oneLine = (text: string): string => text.replace(/\s+/g, " ");
const major = (version: string): string => version.split(".")[0]!;

const ENGINES = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
/** `^22.19.0 || >=24.0.0`: the Node 22 floor and the Node 24 line. */
const ENGINES_SHAPE = /^\^(\d+)\.(\d+)\.0 \|\| >=(\d+)\.0\.0$/;

describe("the Node.js matrix", () => {
  const [, lts22, floorMinor, lts24] = ENGINES_SHAPE.exec(ENGINES) ?? [];
  const floor = `${lts22}.${floorMinor}`;
  const needs = `Node.js ${lts22} (${floor}+) or ${lts24}`;

  it("engines allows the Node npm test is pinned to and the Node 24 the tier runs on", () => {
    expect(ENGINES).toMatch(ENGINES_SHAPE);
    const pinned = pinnedNodeVersion();
    expect(major(pinned)).toBe(lts22);
    const [, minor] = pinned.split(".");
    expect(Number(minor)).toBeGreaterThanOrEqual(Number(floorMinor));
    expect(major(NODE_24)).toBe(lts24);
  });

  it("the README and the HCL guide say what engines says", () => {
    expect(oneLine(read("README.md"))).toContain(`Needs ${needs} and the \`terraform\` CLI`);
    expect(oneLine(read("README.md"))).toContain(`needs ${needs}** first on its PATH`);
    expect(oneLine(read("docs/hcl-and-opentofu.md"))).toContain(`needs ${needs} first on its PATH`);
  });

  it("the README's table has a row per Node the tests run on, and a column per framework CLI the consumer test runs, with its verdict", () => {
    const rows = read("README.md")
      .split("\n")
      .filter((l) => /^\| (Node\.js|\d+)/.test(l))
      .map((l) =>
        l
          .split("|")
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    const [header, ...body] = rows;
    const clis = Object.values(FRAMEWORK_CLIS);
    expect(header).toEqual([
      "Node.js",
      "provider, constructs, `cpq-sso`",
      ...clis.map((c) => `${c.pkg} ${c.version.replace(/\.\d+$/, "")}`),
    ]);
    expect(body).toEqual([
      [`${lts22} (${floor}+)`, "runs", ...clis.map(() => "runs")],
      [
        lts24,
        "runs",
        ...clis.map((c) => (c.onNode24 === "runs" ? "runs" : `fails: \`${c.onNode24.fails}\``)),
      ],
    ]);
  });

  it("every example workflow sets up the Node that runs both framework CLIs", () => {
    const dir = join(ROOT, "examples", "github-actions");
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    const versions = files.flatMap((f) => {
      const w = yaml.load(readFileSync(join(dir, f), "utf8")) as {
        jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
      };
      return Object.values(w.jobs).flatMap((j) =>
        (j.steps ?? [])
          .filter((s) => s.uses?.startsWith("actions/setup-node@"))
          .map((s) => ({ file: f, nodeVersion: String(s.with?.["node-version"]) })),
      );
    });
    expect(versions.length).toBeGreaterThanOrEqual(files.length);
    expect(versions).toEqual(versions.map((v) => ({ ...v, nodeVersion: lts22 })));
  });
});
