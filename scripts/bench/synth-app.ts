/**
 * The CDKTF app `npm run bench` synthesizes: one provider, one SSO configuration and N partner
 * logins from `UserIntegrationLogin.fromList`, each with its own write-only password variable.
 * `npx tsx scripts/bench/synth-app.ts <outdir> <N>`; prints `{"importMs", "synthMs"}` as JSON:
 * the time to load the libraries and the time from `new App` to the written cdk.tf.json.
 */
const started = process.hrtime.bigint();
/* eslint-disable @typescript-eslint/no-require-imports */
const { App, TerraformStack } = require("cdktf") as typeof import("cdktf");
const { CpqProvider, SsoConfiguration, UserIntegrationLogin, sensitiveVariable } =
  require("../../constructs") as typeof import("../../constructs");
const { readFileSync } = require("node:fs") as typeof import("node:fs");
const { join } = require("node:path") as typeof import("node:path");
/* eslint-enable @typescript-eslint/no-require-imports */

function synthApp(outdir: string, count: number): void {
  const imported = process.hrtime.bigint();
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "bench");
  new CpqProvider(stack, "cpq", { baseUrl: "https://acme.bigmachines.com" });
  new SsoConfiguration(stack, "sso", {
    ssoMethod: "Federated Authentication",
    samlIdpUrl: "https://idp.example.com/saml2/sso",
    idProviderCertificate: readFileSync(
      join(__dirname, "..", "..", "examples", "basic", "idp-signing-cert.pem"),
      "utf8",
    ),
  });
  const entries = Array.from({ length: count }, (_, i) => ({
    userLogin: `user${i}`,
    login: `user${i}@erp.example.com`,
    password: sensitiveVariable(stack, `user${i}_password`, `ERP password of user ${i}`),
  }));
  UserIntegrationLogin.fromList(stack, "erp", entries, { tab: "erp" });
  app.synth();
  const done = process.hrtime.bigint();
  process.stdout.write(
    `${JSON.stringify({
      importMs: Number(imported - started) / 1e6,
      synthMs: Number(done - imported) / 1e6,
    })}\n`,
  );
}

const [outdir, count] = process.argv.slice(2);
if (outdir === undefined || count === undefined || !Number.isInteger(Number(count))) {
  process.stderr.write("usage: tsx scripts/bench/synth-app.ts <outdir> <count>\n");
  process.exitCode = 64;
} else {
  synthApp(outdir, Number(count));
}

export {};
