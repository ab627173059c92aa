import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import {
  CpqProvider,
  SsoConfiguration,
  UserIntegrationLogin,
  sensitiveVariable,
  storedInState,
} from "../../constructs";
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

  describe("ephemeral variables", () => {
    type Variables = Record<string, Record<string, unknown>>;
    const ephemeralOf = (stack: TerraformStack): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(synthJson(stack).variable as Variables).map(([k, v]) => [k, v.ephemeral]),
      );

    it("writes ephemeral = true when asked, even for an unused variable", () => {
      const stack = newStack();
      sensitiveVariable(stack, "token", "token", { ephemeral: true });
      expect(synthJson(stack).variable).toEqual({
        token: {
          description: "token",
          ephemeral: true,
          nullable: false,
          sensitive: true,
          type: "string",
        },
      });
    });

    it("by default makes ephemeral exactly the variables used only write-only or by a provider", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      new CpqProvider(stack, "cpq", {
        baseUrl: "https://acme.bigmachines.com",
        password: sensitiveVariable(stack, "cpq_password", "admin password"),
      });
      const shared = sensitiveVariable(stack, "shared", "used write-only and stored");
      const shown = sensitiveVariable(stack, "shown", "used write-only and in an output");
      new SsoConfiguration(stack, "sso", {
        samlNeedRequestSigned: true,
        samlRequestKeystore: sensitiveVariable(stack, "keystore", "stored only"),
        samlStorePass: sensitiveVariable(stack, "store_pass", "write-only"),
        samlKeyPass: shared,
      });
      new UserIntegrationLogin(stack, "jdoe_erp", {
        userLogin: "jdoe",
        tab: "erp",
        login: "jdoe",
        password: shown,
        securityToken: storedInState(shared),
      });
      new TerraformOutput(stack, "out", { value: shown.stringValue, sensitive: true });
      sensitiveVariable(stack, "unused", "unused");
      sensitiveVariable(stack, "never", "write-only, but asked not to", { ephemeral: false });
      new UserIntegrationLogin(stack, "asmith_erp", {
        userLogin: "asmith",
        tab: "erp",
        login: "asmith",
        password: stack.node.findChild("never") as TerraformVariable,
      });
      expect(ephemeralOf(stack)).toEqual({
        cpq_password: true,
        store_pass: true,
        keystore: undefined,
        shared: undefined,
        shown: undefined,
        unused: undefined,
        never: undefined,
      });
      expect(validationError(stack)).toBeUndefined();
    });

    it("leaves a provider secret not ephemeral in a stack without write-only attributes", () => {
      // Such a stack may run on a Terraform older than 1.10, which has no ephemeral variables.
      const stack = new TerraformStack(Testing.app(), "stack");
      new CpqProvider(stack, "cpq", {
        baseUrl: "https://acme.bigmachines.com",
        password: sensitiveVariable(stack, "cpq_password", "admin password"),
      });
      new SsoConfiguration(stack, "sso", {
        samlStorePass: storedInState(sensitiveVariable(stack, "store_pass", "stored")),
      });
      expect(ephemeralOf(stack)).toEqual({ cpq_password: undefined, store_pass: undefined });
    });

    it("decides again at each synth, from the uses the stack has then", () => {
      const stack = newStack();
      const pw = sensitiveVariable(stack, "pw", "password");
      new UserIntegrationLogin(stack, "a", {
        userLogin: "a",
        tab: "erp",
        login: "a",
        password: pw,
      });
      expect(ephemeralOf(stack)).toEqual({ pw: true });
      new UserIntegrationLogin(stack, "b", {
        userLogin: "b",
        tab: "erp",
        login: "b",
        password: storedInState(pw),
      });
      expect(ephemeralOf(stack)).toEqual({ pw: undefined });
    });

    it.each([
      [
        "samlStorePass (saml_store_pass)",
        "saml_store_pass",
        (v: TerraformVariable) => ({ samlStorePass: storedInState(v) }),
      ],
      [
        "samlRequestKeystore (saml_request_keystore)",
        "saml_request_keystore",
        (v: TerraformVariable) => ({ samlRequestKeystore: v }),
      ],
    ])("refuses an ephemeral variable in the stored attribute %s", (where, attribute, props) => {
      const stack = newStack();
      const v = sensitiveVariable(stack, "secret", "secret", { ephemeral: true });
      new SsoConfiguration(stack, "sso", props(v));
      const error = validationError(stack);
      expect(error).toContain(
        `[stack/sso] ${where}: the TerraformVariable "stack/secret" is ephemeral, and Terraform refuses an ephemeral value in "${attribute}"`,
      );
      expect(error).toContain("{ ephemeral: false }");
    });

    it("accepts an ephemeral variable in a write-only attribute and a provider block", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      new CpqProvider(stack, "cpq", {
        baseUrl: "https://acme.bigmachines.com",
        password: sensitiveVariable(stack, "cpq_password", "pw", { ephemeral: true }),
      });
      new SsoConfiguration(stack, "sso", {
        samlStorePass: sensitiveVariable(stack, "store_pass", "pw", { ephemeral: true })
          .stringValue,
      });
      expect(validationError(stack)).toBeUndefined();
    });
  });
});
