/**
 * The Node.js versions of the README's matrix, tried for real. `npm test` runs on the Node 22
 * package.json pins (a devDependency whose `node` shadows the machine's in every npm script), and
 * so does the provider terraform starts through its `#!/usr/bin/env node` line. Then a small tier
 * on Node 24 (installed once from the npm registry, tooling/node-runtime.ts): the provider's
 * go-plugin handshake, examples/basic synthesized by the constructs, a real terraform plan of it
 * against the simulator, and `cpq-sso schema --json` and `cpq-sso report` on that plan.
 * Which framework CLI runs on which Node is tried in package-consumer.test.ts.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateServerCertificate } from "../../provider/plugin/cert";
import { healthService, providerService } from "../../provider/plugin/codec";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../provider/plugin/handshake";
import { callUnary, connectToPlugin } from "../../tooling/plugin-client";
import {
  installNode,
  NODE_24,
  pathWithNodeFirst,
  pinnedNodeVersion,
} from "../../tooling/node-runtime";
import type { NodeRuntime } from "../../tooling/node-runtime";
import type { TfDir } from "../../tooling/tf-dir";
import { E2eFixture } from "../support/e2e-fixture";
import { synthExample } from "../support/synth-example";
import {
  cpqProviderConfig,
  describeWithTerraform,
  providerNodeVersions,
  runCommand,
} from "./harness";
import { CANARY_SIMULATOR, canaryVariables, expectNoCanary } from "./report-ci-harness";

const ROOT = join(__dirname, "..", "..");
const CPQ_SSO_BIN = join(ROOT, "bin", "cpq-sso.js");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const PINNED = pinnedNodeVersion();

describe("the Node.js npm test runs on", () => {
  it("is the Node 22 package.json pins, not the machine's own", () => {
    // npm puts node_modules/.bin first on the PATH of its scripts, and `npx jest` does too; a
    // jest started some other way runs on whatever `node` the shell finds.
    expect(`${process.version} (${process.execPath})`).toBe(`v${PINNED} (${process.execPath})`);
    expect(PINNED).toMatch(/^22\./);
  });
});

describeWithTerraform("the provider terraform starts", () => {
  const fixture = new E2eFixture();
  let ws: TfDir;

  it("runs on the Node the tests run on: the pinned Node 22, which it names in its debug log", async () => {
    const log = join(mkdtempSync(join(tmpdir(), "cpq-sso-node-log-")), "terraform.log");
    ws = fixture.workspace({ TF_LOG: "debug", TF_LOG_PATH: log });
    ws.write({
      ...cpqProviderConfig(),
      data: { cpq_users: { jdoe: { login: "jdoe" } } },
      output: { jdoe: { value: "${data.cpq_users.jdoe.users[0].party_number}" } },
    });
    await ws.init();
    await ws.must(["plan", "-input=false", "-no-color"]);
    const nodes = providerNodeVersions(readFileSync(log, "utf8"));
    // init, plan: a start for the schema and one that configures the provider and reads.
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(nodes)).toEqual(new Set([`v${PINNED}`]));
  });
});

/** Node 24 from the registry, or why not: decided as the file loads, so a skip is loud. */
const node24: NodeRuntime | { readonly unavailable: string } = installNode(NODE_24);

function describeOnNode24(name: string, fn: (node: NodeRuntime) => void): void {
  if (!("unavailable" in node24)) {
    describeWithTerraform(name, () => fn(node24));
    return;
  }
  const why = `Node ${NODE_24} could not be installed: ${node24.unavailable}`;
  if (process.env.CI === "true") {
    describe(name, () => {
      it("needs Node 24, which CI must be able to install", () => {
        throw new Error(`"${name}" cannot run in CI (CI=true): ${why}`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${why}`);
  describe.skip(name, () => undefined);
}

describeOnNode24(`on Node ${NODE_24}`, (node) => {
  // A cold code cache of its own: another Node version never reads the run's cache anyway.
  const fixture = new E2eFixture({ simulator: CANARY_SIMULATOR, install: "cold" });
  const onNode24 = (): Record<string, string> => ({ PATH: pathWithNodeFirst(node.binDir) });

  it("the installed Node is 24", () => {
    const r = spawnSync(node.node, ["-p", "process.version"], { encoding: "utf8" });
    expect(r.stdout.trim()).toBe(`v${NODE_24}`);
  });

  it("the provider hand-shakes with a go-plugin client and serves its schema", async () => {
    const client = generateServerCertificate();
    const child = spawn(node.node, [join(ROOT, "dist", "provider.js")], {
      env: {
        PATH: onNode24().PATH,
        [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
        PLUGIN_PROTOCOL_VERSIONS: "6",
        PLUGIN_CLIENT_CERT: client.certPem,
        CPQ_SSO_CODE_CACHE: fixture.install.codeCacheDir,
        TF_LOG: "debug",
      },
    });
    try {
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
        });
        child.on("exit", (code) => reject(new Error(`exited ${code} before hand-shaking: ${err}`)));
      });
      expect(line.split("|").slice(0, 2)).toEqual(["1", "6"]);
      const plugin = connectToPlugin(line, client);
      const health = plugin.client(healthService, "Health");
      expect(await callUnary(health, "Check", { service: "plugin" })).toMatchObject({ status: 1 });
      const provider = plugin.client(providerService, "Provider");
      const schema = await callUnary<{ resourceSchemas: Record<string, unknown> }>(
        provider,
        "GetProviderSchema",
        {},
      );
      expect(Object.keys(schema.resourceSchemas)).toContain("cpq_sso_configuration");
      for (const c of [health, provider]) c.close();
      expect(err).toContain(`"node":"v${NODE_24}"`);
    } finally {
      child.kill();
    }
  });

  it("synthesizes examples/basic, plans it with real terraform against the simulator, and `cpq-sso schema --json` and `report` run", async () => {
    const out = mkdtempSync(join(tmpdir(), "cpq-sso-node24-synth-"));
    const synth = spawnSync(node.node, [TSX, join(ROOT, "examples", "basic", "main.ts")], {
      env: { ...process.env, ...onNode24(), CDKTF_OUTDIR: out },
      encoding: "utf8",
    });
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);
    // The same JSON as the constructs give on the Node the tests run on.
    const here = synthExample("basic", mkdtempSync(join(tmpdir(), "cpq-sso-node22-synth-")));
    const stackJson = readFileSync(join(out, "stacks", "basic", "cdk.tf.json"), "utf8");
    expect(stackJson).toBe(readFileSync(join(here.stackDir, "cdk.tf.json"), "utf8"));

    const log = join(mkdtempSync(join(tmpdir(), "cpq-sso-node24-log-")), "terraform.log");
    const ws = fixture.workspace({
      ...onNode24(),
      ...canaryVariables(),
      TF_LOG: "debug",
      TF_LOG_PATH: log,
    });
    writeFileSync(join(ws.dir, "cdk.tf.json"), stackJson);
    await ws.init();
    const plan = await ws.must(
      ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=tfplan"],
      { ok: [2] },
    );
    expect(plan.stdout).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
    const nodes = providerNodeVersions(readFileSync(log, "utf8"));
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(nodes)).toEqual(new Set([`v${NODE_24}`]));
    const shown = await ws.must(["show", "-json", "tfplan"]);
    writeFileSync(join(ws.dir, "plan.json"), shown.stdout);

    const cli = (args: string[]): ReturnType<typeof runCommand> =>
      runCommand(node.node, [CPQ_SSO_BIN, ...args], { cwd: ws.dir, env: ws.env });
    const report = await cli(["report", "plan.json", "--json", "summary.json"]);
    expect(report.stderr).toBe("");
    expect(report.code).toBe(0);
    expect(report.stdout).toContain("#### `cpq_sso_configuration.sso` will be created");
    expectNoCanary(report.stdout);
    const summary = JSON.parse(readFileSync(join(ws.dir, "summary.json"), "utf8")) as {
      verdict: string;
    };
    expect(summary.verdict).toBe("4 to add; may need a CPQ restart.");

    const schema = await cli(["schema", "--json"]);
    expect(schema.code).toBe(0);
    const parsed = JSON.parse(schema.stdout) as {
      provider_schemas: Record<string, { resource_schemas: Record<string, unknown> }>;
    };
    expect(
      Object.keys(parsed.provider_schemas["registry.terraform.io/cpq-sso/cpq"]!.resource_schemas),
    ).toContain("cpq_user_integration_login");
  });
});
