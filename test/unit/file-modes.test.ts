/**
 * Files this project's tools write that can hold secrets-adjacent content are readable by their
 * owner only (0600), also when the file existed before with a looser mode: the CLI configuration
 * `cpq-sso install` writes, the report's markdown and JSON, and the simulator's state file (which
 * holds its demo secrets in clear; test/integration/simulator-state-file-mode.test.ts, since it
 * starts the simulator). The provider executable stays 0755. (Terraform's own state
 * file is Terraform's choice; test/e2e/secrets-canaries.test.ts records its mode.)
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProvider } from "../../provider/cli/install";
import { runReport } from "../../provider/cli/report";

const mode = (file: string): number => statSync(file).mode & 0o777;

const PLAN = {
  format_version: "1.2",
  resource_changes: [
    {
      address: "cpq_sso_configuration.sso",
      type: "cpq_sso_configuration",
      name: "sso",
      mode: "managed",
      change: {
        actions: ["update"],
        before: { sso_method: "None", saml_request_keystore: "canary-keystore-file-modes" },
        after: { sso_method: "Federated Authentication", saml_request_keystore: "other" },
        after_unknown: {},
        before_sensitive: { saml_request_keystore: true },
        after_sensitive: { saml_request_keystore: true },
      },
    },
  ],
};

describe("the modes of files the tools write", () => {
  let dir: string;
  const umask = process.umask(0o022);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cpq-sso-modes-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => process.umask(umask));

  it("writes install's terraform.rc as 0600 and the provider executable as 0755", () => {
    // The smallest bundle install accepts, so this needs no build.
    const bundle = join(dir, "provider.js");
    writeFileSync(bundle, "#!/usr/bin/env node\nprocess.exit(0);\n", { mode: 0o644 });
    const target = join(dir, "install");
    const r = installProvider({ dir: target, bundle });
    expect(mode(r.cliConfigFile)).toBe(0o600);
    // Written again over a looser file, it is tightened.
    writeFileSync(r.cliConfigFile, "", { mode: 0o644 });
    installProvider({ dir: target, bundle });
    expect(mode(r.cliConfigFile)).toBe(0o600);
    expect(mode(r.executable)).toBe(0o755);
  });

  it("writes the report's markdown and JSON as 0600, tightening files that existed", async () => {
    const plan = join(dir, "plan.json");
    writeFileSync(plan, JSON.stringify(PLAN));
    const md = join(dir, "comment.md");
    const json = join(dir, "summary.json");
    writeFileSync(md, "old", { mode: 0o666 });
    expect(await runReport([plan, "--markdown", md, "--json", json])).toBe(0);
    expect(mode(md)).toBe(0o600);
    expect(mode(json)).toBe(0o600);
  });
});
