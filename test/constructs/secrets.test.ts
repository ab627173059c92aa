import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { CpqProvider, SsoConfiguration, sensitiveVariable, storedInState } from "../../constructs";
import { newStack, synthJson, validationError } from "./helpers";

const CANARY = "canary-7f3a9c-do-not-leak";

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

describe("secrets in constructs", () => {
  it("makes a string variable that is sensitive and non-nullable", () => {
    const stack = newStack();
    sensitiveVariable(stack, "store_pass", "Keystore store password");
    expect(synthJson(stack).variable).toEqual({
      store_pass: {
        description: "Keystore store password",
        nullable: false,
        sensitive: true,
        type: "string",
      },
    });
  });

  it.each([
    ["samlStorePass (saml_store_pass_wo)", { samlStorePass: CANARY }],
    ["samlStorePass (saml_store_pass)", { samlStorePass: storedInState(CANARY) }],
    ["samlKeyPass (saml_key_pass_wo)", { samlKeyPass: CANARY }],
    ["samlRequestKeystore (saml_request_keystore)", { samlRequestKeystore: CANARY }],
  ])("refuses a literal secret in %s, without quoting it", (where, props) => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", props);
    const error = validationError(stack);
    expect(error).toContain(`[stack/sso] ${where}: a literal string is not accepted`);
    expect(error).toContain("sensitiveVariable(");
    expect(error).not.toContain(CANARY);
  });

  it("refuses a variable that is not marked sensitive, given directly or as a token", () => {
    const stack = newStack();
    const plain = new TerraformVariable(stack, "store_pass", { type: "string" });
    const other = new TerraformVariable(stack, "key_pass", { type: "string" });
    new SsoConfiguration(stack, "sso", { samlStorePass: plain, samlKeyPass: other.stringValue });
    const error = validationError(stack);
    expect(error).toMatch(
      /\[stack\/sso\] samlStorePass \(saml_store_pass_wo\): the TerraformVariable "stack\/store_pass" is not marked sensitive/,
    );
    expect(error).toMatch(
      /\[stack\/sso\] samlKeyPass \(saml_key_pass_wo\): it refers to the TerraformVariable "stack\/key_pass", which is not marked sensitive/,
    );
  });

  it("refuses literal provider secrets, naming the prop and the attribute", () => {
    const stack = new TerraformStack(
      new App({ outdir: mkdtempSync(join(tmpdir(), "cdktf-")) }),
      "stack",
    );
    new CpqProvider(stack, "cpq", { accessToken: CANARY });
    const error = validationError(stack);
    expect(error).toContain(
      "[stack/cpq] accessToken (access_token): a literal string is not accepted",
    );
    expect(error).not.toContain(CANARY);
  });

  it("never writes a secret given through a sensitive variable into the synthesized output", () => {
    // The canary is in the environment Terraform would read it from, as in a pipeline.
    const previous = process.env.TF_VAR_store_pass;
    process.env.TF_VAR_store_pass = CANARY;
    const outdir = mkdtempSync(join(tmpdir(), "cpq-sso-canary-"));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "stack");
      new CpqProvider(stack, "cpq", {
        baseUrl: "https://acme.bigmachines.com",
        username: "sso-admin",
        password: sensitiveVariable(stack, "cpq_password", "CPQ password"),
      });
      new SsoConfiguration(stack, "sso", {
        samlNeedRequestSigned: true,
        samlRequestKeystore: sensitiveVariable(stack, "keystore", "keystore"),
        samlStorePass: sensitiveVariable(stack, "store_pass", "store password"),
        samlKeyPass: storedInState(sensitiveVariable(stack, "key_pass", "key password")),
      });
      app.synth();
      const files = allFiles(outdir);
      expect(files.some((f) => f.endsWith("cdk.tf.json"))).toBe(true);
      for (const f of files) expect(readFileSync(f, "utf8")).not.toContain(CANARY);
    } finally {
      if (previous === undefined) delete process.env.TF_VAR_store_pass;
      else process.env.TF_VAR_store_pass = previous;
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
