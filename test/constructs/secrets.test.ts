import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Fn, TerraformStack, TerraformVariable, Testing } from "cdktf";
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
  it("makes a string variable that is sensitive, non-nullable and ephemeral", () => {
    const stack = newStack();
    sensitiveVariable(stack, "store_pass", "Keystore store password");
    expect(synthJson(stack).variable).toEqual({
      store_pass: {
        description: "Keystore store password",
        ephemeral: true,
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

    it("is ephemeral from the start, and not ephemeral from the moment a stored attribute is given it", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      new CpqProvider(stack, "cpq", {
        baseUrl: "https://acme.bigmachines.com",
        password: sensitiveVariable(stack, "cpq_password", "admin password"),
      });
      const keystore = sensitiveVariable(stack, "keystore", "stored only");
      const tokenOnly = sensitiveVariable(stack, "token_only", "stored, given as a token");
      sensitiveVariable(stack, "unused", "unused");
      // Read from the variables themselves, before any synth: nothing waits for an aspect.
      const ephemeralNow = (): Record<string, unknown> =>
        Object.fromEntries(
          stack.node
            .findAll()
            .filter((c): c is TerraformVariable => c instanceof TerraformVariable)
            .map((v) => [
              v.friendlyUniqueId,
              (v.toTerraform() as { variable: Record<string, { ephemeral?: unknown }> }).variable[
                v.friendlyUniqueId
              ]?.ephemeral,
            ]),
        );
      expect(ephemeralNow()).toEqual({
        cpq_password: true,
        keystore: true,
        token_only: true,
        unused: true,
      });
      new SsoConfiguration(stack, "sso", {
        samlNeedRequestSigned: true,
        samlRequestKeystore: keystore,
        samlStorePass: sensitiveVariable(stack, "store_pass", "write-only"),
        samlKeyPass: storedInState(tokenOnly.stringValue),
      });
      expect(ephemeralNow()).toEqual({
        cpq_password: true,
        keystore: undefined,
        token_only: undefined,
        unused: true,
        store_pass: true,
      });
      expect(ephemeralOf(stack)).toEqual(ephemeralNow());
      expect(validationError(stack)).toBeUndefined();
    });

    it("refuses a variable given both to a stored and to a write-only attribute, naming both", () => {
      const stack = newStack();
      const shared = sensitiveVariable(stack, "shared", "used write-only and stored");
      new SsoConfiguration(stack, "sso", { samlKeyPass: shared });
      new UserIntegrationLogin(stack, "jdoe_erp", {
        userLogin: "jdoe",
        tab: "erp",
        login: "jdoe",
        securityToken: storedInState(shared),
      });
      const error = validationError(stack);
      expect(error).toContain(
        '[stack/sso] samlKeyPass (saml_key_pass_wo): the TerraformVariable "stack/shared" is not ephemeral, so a plan saved with `terraform plan -out` would hold its value: it is also given to "stack/jdoe_erp" (security_token), which Terraform keeps in state',
      );
      expect(error).toContain("Give that use a variable of its own.");
    });

    it("refuses a variable that is not ephemeral in a write-only attribute, and accepts it in a provider block when asked", () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      new CpqProvider(stack, "cpq", {
        baseUrl: "https://acme.bigmachines.com",
        password: sensitiveVariable(stack, "cpq_password", "pw", { ephemeral: false }),
      });
      const plain = new TerraformVariable(stack, "plain", { type: "string", sensitive: true });
      new SsoConfiguration(stack, "sso", {
        samlStorePass: sensitiveVariable(stack, "never", "pw", { ephemeral: false }),
        samlKeyPass: plain,
      });
      const error = validationError(stack) ?? "";
      expect(error).not.toContain("[stack/cpq]");
      expect(error).toContain(
        '[stack/sso] samlStorePass (saml_store_pass_wo): the TerraformVariable "stack/never" is not ephemeral, so a plan saved with `terraform plan -out` would hold its value: it was created with { ephemeral: false }',
      );
      expect(error).toContain(
        '[stack/sso] samlKeyPass (saml_key_pass_wo): the TerraformVariable "stack/plain" is not ephemeral',
      );
      plain.addOverride("ephemeral", true);
      expect(validationError(stack)).not.toContain("stack/plain");
    });

    it("refuses a write-only secret that refers to no variable, since nothing shows it stays out of the plan", () => {
      const stack = newStack();
      new SsoConfiguration(stack, "sso", { samlStorePass: Fn.uuid() });
      expect(validationError(stack)).toContain(
        "[stack/sso] samlStorePass (saml_store_pass_wo): it refers to no Terraform variable and no ephemeral resource",
      );
    });

    it("knows a variable made by another copy of cdktf, without instanceof", () => {
      let Other: typeof TerraformVariable | undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        Other = (require("cdktf") as typeof import("cdktf")).TerraformVariable;
      });
      if (Other === undefined || Other === TerraformVariable) throw new Error("no second copy");
      const stack = newStack();
      const foreign = new Other(stack, "foreign", { type: "string" });
      expect(foreign instanceof TerraformVariable).toBe(false);
      new SsoConfiguration(stack, "sso", { samlStorePass: foreign });
      expect(validationError(stack)).toContain(
        '[stack/sso] samlStorePass (saml_store_pass_wo): the TerraformVariable "stack/foreign" is not marked sensitive',
      );
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
