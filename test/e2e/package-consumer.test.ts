/**
 * The package as a platform team gets it: `npm pack`, the tarball installed into a fresh app in
 * a temporary folder outside this repository (its own package.json, its own cdktf or CDK Terrain,
 * its own TypeScript), compiled with `tsc` and synthesized with plain `node`; then the provider
 * from that installed package (`npx cpq-sso install`), real terraform (init, plan -out, show
 * -json, apply of the saved plan, a clean re-plan) against the simulator, with a canary in every
 * secret, and a scan of everything the run wrote. The cdktf app also runs the plan-comment recipe
 * and the framework's own CLI (`cdktf diff`, `cdktn diff`) from its own installed packages.
 *
 * Everything in the app runs on the Node the tests run on (under `npm test` the Node 22
 * package.json pins: npm, tsc, ts-node or tsx, the CLI, and the provider terraform starts), and
 * then each framework CLI runs once more on Node 24, as the README's matrix says it does or fails:
 * cdktn-cli 0.24 runs, cdktf-cli 0.21 cannot load its native pty module there.
 *
 * The app's packages come from npm's cache (`--prefer-offline`): `npm ci` of this repository put
 * the same versions there (they are its devDependencies); cdktf-cli, which this repository does
 * not use, comes from the registry on a machine's first run.
 */
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { unzipSync } from "fflate";
import { startSimulator } from "../../simulator";
import type { RunningSimulator } from "../../simulator";
import {
  installNode,
  NODE_24,
  pathWithNodeFirst,
  pinnedNodeVersion,
} from "../../tooling/node-runtime";
import { codeCacheEnv, terraformEnv } from "../../tooling/terraform-env";
import { FRAMEWORK_CLIS } from "../support/framework-clis";
import type { FrameworkCli } from "../support/framework-clis";
import { describeWithTerraform, providerNodeVersions, runCommand } from "./harness";
import type { RunResult } from "./harness";

const REPO = join(__dirname, "..", "..");
/** A real (test) IdP certificate: one that does not parse fails synth. */
const IDP_CERT = readFileSync(join(REPO, "test", "fixtures", "idp-cert.pem"), "utf8");
const PACKAGE = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
  version: string;
  devDependencies: Record<string, string>;
};
const pinned = (name: string): string => {
  const v = PACKAGE.devDependencies[name];
  if (v === undefined) throw new Error(`package.json has no devDependency ${name}`);
  return v;
};

/** Secrets that must appear nowhere: write-only passwords and the provider's password. */
const NOWHERE = {
  cpq_password: "canary-consumer-admin-pw-31c7",
  store_pass: "canary-consumer-store-pass-8e02",
  key_pass: "canary-consumer-key-pass-5d19",
  erp_password: "canary-consumer-erp-password-a4b6",
  erp_token: "canary-consumer-erp-token-70f3",
} as const;
/** Kept (sensitive) in state and plan by design, so nowhere else: the request keystore. */
const KEYSTORE = Buffer.from("canary-consumer-keystore-c2e9").toString("base64");

/**
 * One framework an app may bring, how its app imports our constructs, and its CLI (with what it
 * does on Node 24: the README's matrix).
 */
interface Framework {
  readonly name: "cdktf" | "cdktn";
  readonly entry: string;
  readonly cli: FrameworkCli;
  /** A TypeScript runner the app also synthesizes with, as its cdktf.json `app` would. */
  readonly runner: { readonly pkg: string; readonly version: string };
}

const FRAMEWORKS: readonly Framework[] = [
  {
    name: "cdktf",
    entry: "cpq-sso",
    cli: FRAMEWORK_CLIS.cdktf,
    // The runner of the usual CDKTF TypeScript template (`npx ts-node main.ts`).
    runner: { pkg: "ts-node", version: "10.9.2" },
  },
  {
    name: "cdktn",
    entry: "cpq-sso/cdktn",
    cli: FRAMEWORK_CLIS.cdktn,
    runner: { pkg: "tsx", version: pinned("tsx") },
  },
];

/** The app a team writes, as the usual CDKTF TypeScript template lays it out. */
function appSource(f: Framework): string {
  return `import { App, LocalBackend, TerraformStack } from "${f.name}";
import type { Construct } from "constructs";
import { CpqProvider, SsoConfiguration, UserIntegrationLogin, sensitiveVariable } from "${f.entry}";
import { ssoConfiguration } from "${f.entry}/generated";

class SiteStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: "terraform.tfstate" });
    new CpqProvider(this, "cpq", {
      username: "canaryadmin",
      password: sensitiveVariable(this, "cpq_password", "CPQ admin password"),
    });
    const sso = new SsoConfiguration(this, "sso", {
      ssoMethod: "Federated Authentication",
      samlIdpUrl: "https://idp.example.com/saml2/sso",
      idProviderCertificate: ${JSON.stringify(IDP_CERT)},
      samlUserIdType: "assertionTypeUsername",
      samlUserIdLocation: "idLocationSubject",
      samlNeedRequestSigned: true,
      samlRequestKeystore: sensitiveVariable(this, "keystore", "SAML request keystore"),
      samlStorePass: sensitiveVariable(this, "store_pass", "keystore store password"),
      samlKeyPass: sensitiveVariable(this, "key_pass", "keystore key password"),
    });
    // The L1 binding stays importable, typed, for escape hatches.
    const l1: ssoConfiguration.SsoConfiguration = sso.resource;
    l1.addOverride("lifecycle.prevent_destroy", false);
    new UserIntegrationLogin(this, "jdoe_idp", {
      userLogin: "jdoe",
      tab: "idp",
      login: "jdoe@idcs.example.com",
    });
    new UserIntegrationLogin(this, "asmith_erp", {
      userLogin: "asmith",
      tab: "erp",
      login: "asmith@erp.example.com",
      password: sensitiveVariable(this, "erp_password", "asmith's ERP password"),
      securityToken: sensitiveVariable(this, "erp_token", "asmith's ERP security token"),
    });
  }
}

const app = new App();
new SiteStack(app, "site");
app.synth();
`;
}

/** The CDKTF TypeScript template's compiler options (CommonJS, node10 resolution, strict). */
const TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    inlineSourceMap: true,
    inlineSources: true,
    lib: ["es2018"],
    module: "CommonJS",
    noEmitOnError: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    stripInternal: true,
    target: "ES2018",
    incremental: true,
    skipLibCheck: false,
    outDir: "build",
  },
  include: ["main.ts"],
};

/** Every file below `dir`. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

/** A file's text, with a zip archive (a terraform plan file) read entry by entry. */
function readableText(file: string): string {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 4).equals(Buffer.from("PK\u0003\u0004", "latin1"))) {
    return Object.values(unzipSync(bytes))
      .map((entry) => Buffer.from(entry).toString("latin1"))
      .join("\n");
  }
  return bytes.toString("latin1");
}

/**
 * The environment for npm in the app: the caller's, without the outer `npm test`'s settings, and
 * with the Node running the tests first on PATH, so npm, npx and the app's own bins (their
 * `#!/usr/bin/env node` lines) run on it too.
 */
function npmEnv(): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD"),
    ),
    PATH: pathWithNodeFirst(dirname(process.execPath)),
  };
}

/** Node 24 for the framework CLIs' second run, or why there is none (loud; a failure in CI). */
const node24 = installNode(NODE_24);

function mustRun(
  what: string,
  r: { status: number | null; stdout: string; stderr: string; error?: Error },
): { stdout: string; stderr: string } {
  if (r.error !== undefined) throw new Error(`${what} could not start: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${what} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}

describeWithTerraform("the packed package in a team's own app", () => {
  let sim: RunningSimulator;
  let tarball: string;
  let packed: string[];

  beforeAll(async () => {
    const dest = mkdtempSync(join(tmpdir(), "cpq-sso-pack-"));
    // npm test built dist/ already; the tarball is what `npm pack` ships from it.
    const pack = mustRun(
      "npm pack",
      spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dest], {
        cwd: REPO,
        env: npmEnv(),
        encoding: "utf8",
      }),
    );
    const [info] = JSON.parse(pack.stdout) as {
      filename: string;
      size: number;
      unpackedSize: number;
      files: { path: string }[];
    }[];
    if (info === undefined) throw new Error("npm pack printed no package");
    tarball = join(dest, info.filename);
    packed = info.files.map((f) => f.path);
    console.log(
      `package-consumer: ${info.filename}, ${info.files.length} files, ${info.size} bytes packed, ${info.unpackedSize} unpacked`,
    );
    sim = await startSimulator({
      port: 0,
      credentials: {
        basic: [{ username: "canaryadmin", password: NOWHERE.cpq_password, admin: true }],
      },
    });
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
  });

  it("ships the CLI, the provider and its companions, the compiled constructs for both frameworks, the CI recipes, the reference docs and the LICENSE, and no source or test", () => {
    for (const f of [
      "bin/cpq-sso.js",
      "dist/cpq-sso.js",
      "dist/provider.js",
      "dist/provider-main.js",
      "dist/provider-client.js",
      "dist/provider-zod.js",
      "dist/provider-saxes.js",
      "dist/cdktf.js",
      "dist/cdktn.js",
      "dist/lib/cdktf/constructs/index.js",
      "dist/lib/cdktf/constructs/index.d.ts",
      "dist/lib/cdktn/constructs/index.js",
      "dist/lib/cdktn/constructs/generated/index.d.ts",
      "ci/plan-comment.sh",
      "ci/lib.sh",
      "CHANGELOG.md",
      "README.md",
      "LICENSE",
      "docs/index.md",
      "docs/resources/sso_configuration.md",
    ]) {
      expect(packed).toContain(f);
    }
    expect(packed.filter((f) => /^(test|scripts|simulator|provider|constructs)\//.test(f))).toEqual(
      [],
    );
    expect(
      packed.filter((f) => f.endsWith(".map") || (f.endsWith(".ts") && !f.endsWith(".d.ts"))),
    ).toEqual([]);
    expect(packed).not.toContain("dist/test-counts.json");
  });

  describe.each(FRAMEWORKS)("with $name", (framework) => {
    it("compiles with tsc, synthesizes with node, plans, applies and re-plans clean, no secret leaks, and its CLI runs on Node 22 and on 24 as the README says", async () => {
      const started = Date.now();
      const app = mkdtempSync(join(tmpdir(), `cpq-sso-consumer-${framework.name}-`));
      writeFileSync(
        join(app, "package.json"),
        JSON.stringify(
          {
            name: `team-sso-${framework.name}`,
            version: "1.0.0",
            private: true,
            dependencies: {
              "cpq-sso": `file:${tarball}`,
              [framework.name]: pinned(framework.name),
              constructs: pinned("constructs"),
            },
            devDependencies: {
              typescript: pinned("typescript"),
              [framework.runner.pkg]: framework.runner.version,
              [framework.cli.pkg]: framework.cli.version,
            },
          },
          null,
          2,
        ),
      );
      writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
      writeFileSync(join(app, "main.ts"), appSource(framework));
      writeFileSync(
        join(app, "cdktf.json"),
        JSON.stringify({
          language: "typescript",
          app: "node build/main.js",
          sendCrashReports: "false",
        }),
      );
      const inApp = { cwd: app, env: npmEnv(), encoding: "utf8" as const };
      mustRun(
        "npm install",
        spawnSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], inApp),
      );
      // One copy of the framework: what the package loads is the app's own.
      const resolvedFromPackage = (name: string): string =>
        mustRun(
          `resolve ${name}`,
          spawnSync(
            process.execPath,
            [
              "-p",
              `require.resolve(${JSON.stringify(`${name}/package.json`)}, { paths: [require("path").dirname(require.resolve("cpq-sso/package.json"))] })`,
            ],
            inApp,
          ),
        ).stdout.trim();
      for (const name of [framework.name, "constructs"]) {
        expect(resolvedFromPackage(name)).toBe(join(app, "node_modules", name, "package.json"));
      }

      const tsc = join(app, "node_modules", "typescript", "bin", "tsc");
      mustRun("tsc", spawnSync(process.execPath, [tsc, "-p", "."], inApp));
      const synth = mustRun(
        "node build/main.js",
        spawnSync(process.execPath, [join("build", "main.js")], inApp),
      );
      const stack = join(app, "cdktf.out", "stacks", "site");
      // The same app run from its TypeScript source by ts-node or tsx synthesizes the same JSON.
      const viaRunner = join(app, "runner.out");
      mustRun(
        framework.runner.pkg,
        spawnSync(join(app, "node_modules", ".bin", framework.runner.pkg), ["main.ts"], {
          ...inApp,
          env: { ...inApp.env, CDKTF_OUTDIR: viaRunner },
        }),
      );
      expect(readFileSync(join(viaRunner, "stacks", "site", "cdk.tf.json"), "utf8")).toBe(
        readFileSync(join(stack, "cdk.tf.json"), "utf8"),
      );
      const json = JSON.parse(readFileSync(join(stack, "cdk.tf.json"), "utf8")) as {
        terraform: { required_providers: Record<string, { source: string; version?: string }> };
        variable: Record<string, { ephemeral?: boolean }>;
      };
      expect(json.terraform.required_providers.cpq).toEqual({
        source: "cpq-sso/cpq",
        version: PACKAGE.version,
      });
      // Every write-only secret's variable is ephemeral; the stored keystore's is not.
      expect(
        Object.fromEntries(Object.entries(json.variable).map(([k, v]) => [k, v.ephemeral])),
      ).toEqual({
        cpq_password: true,
        keystore: undefined,
        store_pass: true,
        key_pass: true,
        erp_password: true,
        erp_token: true,
      });

      const install = mustRun(
        "npx cpq-sso install",
        spawnSync(
          "npx",
          ["--no-install", "cpq-sso", "install", "--dir", join(app, ".cpq-sso")],
          inApp,
        ),
      );
      expect(install.stdout).toContain(`Installed cpq-sso/cpq ${PACKAGE.version}`);

      const logFile = join(app, "terraform.log");
      const env = terraformEnv(join(app, ".cpq-sso", "terraform.rc"), {
        ...codeCacheEnv(),
        CPQ_BASE_URL: sim.url,
        TF_LOG: "trace",
        TF_LOG_PATH: logFile,
        TF_VAR_keystore: KEYSTORE,
        ...Object.fromEntries(Object.entries(NOWHERE).map(([k, v]) => [`TF_VAR_${k}`, v])),
      });
      const outputs: { what: string; text: string; stored: boolean }[] = [];
      const tf = async (args: string[], ok: number[] = [0]): Promise<RunResult> => {
        const r = await runCommand("terraform", args, { cwd: stack, env });
        outputs.push({ what: `terraform ${args[0]} stdout`, text: r.stdout, stored: false });
        outputs.push({ what: `terraform ${args[0]} stderr`, text: r.stderr, stored: false });
        if (!ok.includes(r.code)) {
          throw new Error(`terraform ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
        }
        return r;
      };
      await tf(["init", "-input=false", "-no-color"]);
      const plan = await tf(
        ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=tfplan"],
        [2],
      );
      expect(plan.stdout).toContain("Plan: 3 to add, 0 to change, 0 to destroy.");
      const shown = await tf(["show", "-json", "tfplan"]);
      // The saved plan holds the stored keystore (sensitive, as Terraform keeps it), so its JSON
      // is scanned as a place where stored secrets may be; write-only ones must not be there.
      outputs.pop();
      outputs.pop();
      outputs.push({ what: "terraform show -json tfplan", text: shown.stdout, stored: true });
      await tf(["apply", "-input=false", "-no-color", "tfplan"]);
      const replan = await tf(["plan", "-input=false", "-no-color", "-detailed-exitcode"]);
      expect(replan.stdout).toContain("No changes.");
      const trace = readFileSync(logFile, "utf8");
      outputs.push({ what: "trace log", text: trace, stored: false });
      // The provider from the installed package ran on the tests' Node: under npm test, 22.
      expect(new Set(providerNodeVersions(trace))).toEqual(new Set([process.version]));
      expect(process.version).toBe(`v${pinnedNodeVersion()}`);

      // The pull-request recipe, run as a workflow step runs it: from the installed package.
      const report = join(app, "report");
      mkdirSync(report);
      const recipe = await runCommand(
        "npx",
        ["--no-install", "cpq-sso", "ci", "plan-comment", stack, report],
        { cwd: app, env: { ...npmEnv(), ...env, TF_LOG: "", TF_LOG_PATH: "" } },
      );
      expect(recipe.stderr).toBe("");
      expect(recipe.code).toBe(0);
      expect(readFileSync(join(report, "comment.md"), "utf8")).toContain("No changes");
      outputs.push({ what: "cpq-sso ci plan-comment", text: recipe.stdout, stored: false });

      // The framework's own CLI plans the stack offline from the mirror.
      const diff = await runCommand(
        join(app, "node_modules", ".bin", framework.cli.bin),
        ["diff", "--skip-provider-lock"],
        { cwd: app, env: { ...npmEnv(), ...env, TF_LOG: "", TF_LOG_PATH: "", CI: "1" } },
      );
      outputs.push({
        what: `${framework.cli.bin} diff`,
        text: diff.stdout + diff.stderr,
        stored: false,
      });
      expect(`${diff.stdout}\n${diff.stderr}`).toContain("No changes");
      expect(diff.code).toBe(0);

      // The same CLI, the same app, on Node 24: the README's matrix, as written.
      if ("unavailable" in node24) {
        const why = `Node ${NODE_24} could not be installed: ${node24.unavailable}`;
        if (process.env.CI === "true") throw new Error(`${framework.cli.bin} on Node 24: ${why}`);
        console.warn(`SKIPPED ${framework.cli.bin} on Node 24: ${why}`);
      } else {
        const on24 = await runCommand(
          join(app, "node_modules", ".bin", framework.cli.bin),
          ["diff", "--skip-provider-lock"],
          {
            cwd: app,
            env: {
              ...npmEnv(),
              ...env,
              PATH: pathWithNodeFirst(node24.binDir),
              TF_LOG: "",
              TF_LOG_PATH: "",
              CI: "1",
            },
          },
        );
        const text = `${on24.stdout}\n${on24.stderr}`;
        outputs.push({ what: `${framework.cli.bin} diff on Node 24`, text, stored: false });
        if (framework.cli.onNode24 === "runs") {
          expect(text).toContain("No changes");
          expect(on24.code).toBe(0);
        } else {
          expect(text).toContain(framework.cli.onNode24.fails);
          expect(on24.code).not.toBe(0);
        }
      }

      // Everything the run wrote: the app's synth output, and in it the stack's plan files (ours
      // and cdktf's), state and backups. Terraform keeps the stored keystore in those.
      const keepsStored = (f: string): boolean =>
        /(tfplan|[\\/]plan|\.tfstate(\.backup)?)$/.test(f);
      for (const file of filesBelow(join(app, "cdktf.out")).filter(
        (f) => !relative(stack, f).startsWith(".terraform"),
      )) {
        outputs.push({
          what: relative(app, file),
          text: readableText(file),
          stored: keepsStored(file),
        });
      }
      outputs.push({ what: "synth output", text: synth.stdout + synth.stderr, stored: false });

      const leaks = outputs.flatMap((o) => [
        ...Object.entries(NOWHERE)
          .filter(([, canary]) => o.text.includes(canary))
          .map(([name]) => `${name} in ${o.what}`),
        ...(!o.stored && o.text.includes(KEYSTORE) ? [`keystore in ${o.what}`] : []),
      ]);
      expect(leaks).toEqual([]);
      // The scan can fail: it reads the keystore where Terraform keeps it, in the state and
      // inside the zipped plan file.
      expect(outputs.some((o) => o.what.endsWith("tfplan") && o.text.includes(KEYSTORE))).toBe(
        true,
      );
      expect(
        outputs.some((o) => o.what.endsWith("terraform.tfstate") && o.text.includes(KEYSTORE)),
      ).toBe(true);
      console.log(
        `package-consumer ${framework.name}: ${outputs.length} outputs scanned, ${Math.round((Date.now() - started) / 1000)} s`,
      );
    }, 300_000);
  });
});
