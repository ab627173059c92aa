import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import {
  CpqProvider,
  UserIntegrationLogin,
  sensitiveVariable,
  storedInState,
} from "../../constructs";
import { newStack, resolveIn, synthJson, validationError } from "./helpers";

const CANARY = "canary-51d0e2-do-not-leak";

function logins(json: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return (json.resource?.cpq_user_integration_login ?? {}) as Record<string, unknown>;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

describe("UserIntegrationLogin", () => {
  it("maps typed props to the snake_case attributes of cpq_user_integration_login", () => {
    const stack = newStack();
    new UserIntegrationLogin(stack, "jdoe_erp", {
      userLogin: "jdoe",
      tab: "erp",
      login: "john.doe@erp.example.com",
      password: sensitiveVariable(stack, "jdoe_erp_password", "ERP password of jdoe"),
      passwordVersion: 3,
      securityToken: sensitiveVariable(stack, "jdoe_erp_token", "ERP security token of jdoe"),
      securityTokenVersion: 1,
      validateCredentials: true,
    });
    expect(logins(synthJson(stack)).jdoe_erp).toEqual({
      user_login: "jdoe",
      tab: "erp",
      login: "john.doe@erp.example.com",
      password_wo: "${var.jdoe_erp_password}",
      password_wo_version: 3,
      security_token_wo: "${var.jdoe_erp_token}",
      security_token_wo_version: 1,
      validate_credentials: true,
    });
    expect(validationError(stack)).toBeUndefined();
  });

  it("emits only what is set: an OAuth login is the user, the tab and the login", () => {
    const stack = newStack();
    new UserIntegrationLogin(stack, "jdoe_crm", {
      partyNumber: "1001",
      tab: "crm",
      login: "john.doe@idcs.example.com",
    });
    expect(logins(synthJson(stack))).toEqual({
      jdoe_crm: { party_number: "1001", tab: "crm", login: "john.doe@idcs.example.com" },
    });
    expect(validationError(stack)).toBeUndefined();
  });

  it("keeps a secret in state only when wrapped with storedInState", () => {
    const stack = newStack();
    new UserIntegrationLogin(stack, "jdoe_erp", {
      userLogin: "jdoe",
      tab: "erp",
      login: "jdoe",
      password: storedInState(sensitiveVariable(stack, "pw", "password")),
      securityToken: storedInState(sensitiveVariable(stack, "token", "token")),
    });
    expect(logins(synthJson(stack)).jdoe_erp).toEqual({
      user_login: "jdoe",
      tab: "erp",
      login: "jdoe",
      password: "${var.pw}",
      security_token: "${var.token}",
    });
    expect(validationError(stack)).toBeUndefined();
  });

  it("uses the construct id as the Terraform resource name, and exposes the computed attributes", () => {
    const stack = newStack();
    const login = new UserIntegrationLogin(stack, "jdoe_crm", {
      userLogin: "jdoe",
      tab: "crm",
      login: "jdoe@idp",
    });
    const resolve = (v: unknown): unknown => resolveIn(stack, v);
    expect(Object.keys(logins(synthJson(stack)))).toEqual(["jdoe_crm"]);
    expect(resolve(login.id)).toBe("${cpq_user_integration_login.jdoe_crm.id}");
    expect(resolve(login.partyNumber)).toBe("${cpq_user_integration_login.jdoe_crm.party_number}");
    expect(resolve(login.authType)).toBe("${cpq_user_integration_login.jdoe_crm.auth_type}");
    expect(resolve(login.partner)).toBe("${cpq_user_integration_login.jdoe_crm.partner}");
    expect(resolve(login.tokenPresent)).toBe(
      "${cpq_user_integration_login.jdoe_crm.token_present}",
    );
    expect(resolve(login.savedAt)).toBe("${cpq_user_integration_login.jdoe_crm.saved_at}");
    expect(login.resource.tabInput).toBe("crm");
  });

  it("uses the given CpqProvider and dependsOn", () => {
    const stack = newStack();
    const eu = new CpqProvider(stack, "eu", { alias: "eu" });
    const first = new UserIntegrationLogin(stack, "a", { userLogin: "a", tab: "crm", login: "a" });
    new UserIntegrationLogin(stack, "b", {
      userLogin: "b",
      tab: "crm",
      login: "b",
      provider: eu,
      dependsOn: [first.resource],
    });
    expect(logins(synthJson(stack)).b).toEqual({
      user_login: "b",
      tab: "crm",
      login: "b",
      provider: "cpq.eu",
      depends_on: ["cpq_user_integration_login.a"],
    });
  });

  describe("the user", () => {
    it("synthesizes both partyNumber and userLogin: whether they name one user needs the users list, so the plan says it", () => {
      const stack = newStack();
      new UserIntegrationLogin(stack, "jdoe_crm", {
        partyNumber: "1001",
        userLogin: "jdoe",
        tab: "crm",
        login: "jdoe",
      });
      expect(validationError(stack)).toBeUndefined();
      expect(logins(synthJson(stack)).jdoe_crm).toMatchObject({
        party_number: "1001",
        user_login: "jdoe",
      });
    });

    it("refuses a login that names no user", () => {
      const stack = newStack();
      new UserIntegrationLogin(stack, "nobody_crm", { tab: "crm", login: "jdoe" });
      expect(validationError(stack)).toContain(
        "[stack/nobody_crm] partyNumber (party_number): No CPQ user is named.",
      );
    });

    it("accepts a user given as a token (checked again at plan)", () => {
      const stack = newStack();
      const user = new TerraformVariable(stack, "user", { type: "string" });
      new UserIntegrationLogin(stack, "x", { userLogin: user.stringValue, tab: "crm", login: "x" });
      expect(validationError(stack)).toBeUndefined();
    });
  });

  it("refuses a version without the write-only secret it versions", () => {
    const stack = newStack();
    new UserIntegrationLogin(stack, "jdoe_erp", {
      userLogin: "jdoe",
      tab: "erp",
      login: "jdoe",
      password: storedInState(sensitiveVariable(stack, "pw", "password")),
      passwordVersion: 2,
    });
    expect(validationError(stack)).toMatch(
      /\[stack\/jdoe_erp\] passwordVersion \(password_wo_version\): "password_wo_version" is set without "password_wo"/,
    );
  });

  it("refuses validateCredentials without a password", () => {
    const stack = newStack();
    new UserIntegrationLogin(stack, "jdoe_erp", {
      userLogin: "jdoe",
      tab: "erp",
      login: "jdoe",
      validateCredentials: true,
    });
    expect(validationError(stack)).toContain(
      '[stack/jdoe_erp] validateCredentials (validate_credentials): "validate_credentials" needs a password.',
    );
  });

  it("refuses empty strings, naming the attribute", () => {
    const stack = newStack();
    new UserIntegrationLogin(stack, "jdoe", { userLogin: "jdoe", tab: "crm", login: "" });
    expect(validationError(stack)).toContain('[stack/jdoe] login (login): "login" is empty.');
  });

  describe("secrets", () => {
    it.each([
      ["password (password_wo)", { password: CANARY }],
      ["password (password)", { password: storedInState(CANARY) }],
      ["securityToken (security_token_wo)", { securityToken: CANARY }],
      ["securityToken (security_token)", { securityToken: storedInState(CANARY) }],
    ])("refuses a literal secret in %s, without quoting it", (where, secrets) => {
      const stack = newStack();
      new UserIntegrationLogin(stack, "jdoe_erp", {
        userLogin: "jdoe",
        tab: "erp",
        login: "jdoe",
        ...secrets,
      });
      const error = validationError(stack);
      expect(error).toContain(`[stack/jdoe_erp] ${where}: a literal string is not accepted`);
      expect(error).not.toContain(CANARY);
    });

    it("refuses a variable that is not marked sensitive", () => {
      const stack = newStack();
      const plain = new TerraformVariable(stack, "pw", { type: "string" });
      new UserIntegrationLogin(stack, "jdoe_erp", {
        userLogin: "jdoe",
        tab: "erp",
        login: "jdoe",
        password: plain.stringValue,
      });
      expect(validationError(stack)).toContain(
        '[stack/jdoe_erp] password (password_wo): it refers to the TerraformVariable "stack/pw", which is not marked sensitive',
      );
    });

    it("makes a write-only secret's variable ephemeral, and a stored one's not", () => {
      const stack = newStack();
      new UserIntegrationLogin(stack, "jdoe_erp", {
        userLogin: "jdoe",
        tab: "erp",
        login: "jdoe",
        password: sensitiveVariable(stack, "pw", "password"),
        securityToken: storedInState(sensitiveVariable(stack, "token", "token")),
      });
      const variables = synthJson(stack).variable as Record<string, Record<string, unknown>>;
      expect(variables.pw).toEqual({
        description: "password",
        ephemeral: true,
        nullable: false,
        sensitive: true,
        type: "string",
      });
      expect(variables.token?.ephemeral).toBeUndefined();
      expect(validationError(stack)).toBeUndefined();
    });

    it("refuses an ephemeral variable wrapped with storedInState, naming path and attribute", () => {
      const stack = newStack();
      new UserIntegrationLogin(stack, "jdoe_erp", {
        userLogin: "jdoe",
        tab: "erp",
        login: "jdoe",
        securityToken: storedInState(
          sensitiveVariable(stack, "token", "token", { ephemeral: true }),
        ),
      });
      expect(validationError(stack)).toContain(
        '[stack/jdoe_erp] securityToken (security_token): the TerraformVariable "stack/token" is ephemeral, and Terraform refuses an ephemeral value in "security_token"',
      );
    });

    it("never writes a secret given through a sensitive variable into the synthesized output", () => {
      const previous = process.env.TF_VAR_jdoe_erp_password;
      process.env.TF_VAR_jdoe_erp_password = CANARY;
      const outdir = mkdtempSync(join(tmpdir(), "cpq-sso-canary-"));
      try {
        const app = new App({ outdir });
        const stack = new TerraformStack(app, "stack");
        new CpqProvider(stack, "cpq", { baseUrl: "https://acme.bigmachines.com" });
        new UserIntegrationLogin(stack, "jdoe_erp", {
          userLogin: "jdoe",
          tab: "erp",
          login: "jdoe",
          password: sensitiveVariable(stack, "jdoe_erp_password", "ERP password"),
          securityToken: storedInState(sensitiveVariable(stack, "jdoe_erp_token", "ERP token")),
        });
        app.synth();
        const files = allFiles(outdir);
        expect(files.some((f) => f.endsWith("cdk.tf.json"))).toBe(true);
        for (const f of files) expect(readFileSync(f, "utf8")).not.toContain(CANARY);
      } finally {
        if (previous === undefined) delete process.env.TF_VAR_jdoe_erp_password;
        else process.env.TF_VAR_jdoe_erp_password = previous;
        rmSync(outdir, { recursive: true, force: true });
      }
    });
  });

  describe("duplicates", () => {
    it("refuses a second login for the same user and tab on one provider, naming both", () => {
      const stack = newStack();
      new UserIntegrationLogin(stack, "a", { userLogin: "jdoe", tab: "crm", login: "x" });
      new UserIntegrationLogin(stack, "b", { userLogin: "jdoe", tab: "crm", login: "y" });
      new UserIntegrationLogin(stack, "c", { userLogin: "jdoe", tab: "erp", login: "y" });
      const eu = new CpqProvider(stack, "eu", { alias: "eu" });
      new UserIntegrationLogin(stack, "d", {
        userLogin: "jdoe",
        tab: "crm",
        login: "y",
        provider: eu,
      });
      const error = validationError(stack);
      expect(error).toContain(
        '[stack/b] userLogin (user_login): "stack/b" and "stack/a" both declare the login of userLogin "jdoe" on tab "crm"',
      );
      expect(error?.match(/both declare/g)).toHaveLength(1);
    });
  });
});

describe("UserIntegrationLogin.fromList", () => {
  it("derives readable, distinct Terraform names from the user and the tab", () => {
    const stack = newStack();
    const made = UserIntegrationLogin.fromList(
      stack,
      "login",
      [
        { userLogin: "j.doe@example.com", login: "a" },
        { userLogin: "j_doe@example.com", login: "b" },
        { partyNumber: "1001", login: "c", tab: "erp" },
        { userLogin: "asmith", login: "d", id: "ann" },
      ],
      { tab: "crm" },
    );
    expect(made.map((l) => l.node.id)).toEqual([
      "login_j_doe_example_com_crm",
      "login_j_doe_example_com_crm_2",
      "login_1001_erp",
      "ann",
    ]);
    const json = logins(synthJson(stack));
    expect(Object.keys(json).sort()).toEqual([
      "ann",
      "login_1001_erp",
      "login_j_doe_example_com_crm",
      "login_j_doe_example_com_crm_2",
    ]);
    expect(json.login_1001_erp).toEqual({ party_number: "1001", tab: "erp", login: "c" });
    expect(validationError(stack)).toBeUndefined();
  });

  it("starts a name with _ when it would start with a digit", () => {
    const stack = newStack();
    const [login] = UserIntegrationLogin.fromList(stack, "", [
      { partyNumber: "1001", tab: "crm", login: "x" },
    ]);
    expect(login?.node.id).toBe("_1001_crm");
  });

  it("lets the entry's props win over the defaults", () => {
    const stack = newStack();
    const eu = new CpqProvider(stack, "eu", { alias: "eu" });
    UserIntegrationLogin.fromList(
      stack,
      "l",
      [
        {
          userLogin: "a",
          login: "a",
          password: sensitiveVariable(stack, "a_pw", "pw"),
          validateCredentials: false,
        },
        {
          userLogin: "b",
          login: "b",
          tab: "erp",
          password: sensitiveVariable(stack, "b_pw", "pw"),
        },
      ],
      { tab: "crm", validateCredentials: true, provider: eu },
    );
    const json = logins(synthJson(stack));
    expect(json.l_a_crm).toMatchObject({
      tab: "crm",
      validate_credentials: false,
      provider: "cpq.eu",
    });
    expect(json.l_b_erp).toMatchObject({
      tab: "erp",
      validate_credentials: true,
      provider: "cpq.eu",
    });
  });

  it("refuses two entries for the same user and tab, naming both entries", () => {
    const stack = newStack();
    UserIntegrationLogin.fromList(
      stack,
      "crm",
      [
        { userLogin: "jdoe", login: "a" },
        { userLogin: "asmith", login: "b" },
        { userLogin: "jdoe", login: "c" },
      ],
      { tab: "crm" },
    );
    expect(validationError(stack)).toContain(
      '[stack/crm_jdoe_crm_2] userLogin (user_login): "stack/crm_jdoe_crm_2" (entries[2] of UserIntegrationLogin.fromList("stack", "crm")) and "stack/crm_jdoe_crm" (entries[0] of UserIntegrationLogin.fromList("stack", "crm")) both declare the login of userLogin "jdoe" on tab "crm"',
    );
  });

  it("refuses an entry without a tab when the defaults give none", () => {
    const stack = newStack();
    UserIntegrationLogin.fromList(stack, "l", [{ userLogin: "jdoe", login: "a" }]);
    const error = validationError(stack);
    expect(error).toContain(
      '[stack/l_jdoe] tab (tab): entries[0] of UserIntegrationLogin.fromList("stack", "l") has no tab.',
    );
    expect(error).not.toContain('"tab" is empty');
  });

  it("synthesizes an app of 1,000 logins, each with its own password variable", () => {
    const outdir = mkdtempSync(join(tmpdir(), "cpq-sso-1000-"));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "stack");
      new CpqProvider(stack, "cpq", { baseUrl: "https://acme.bigmachines.com" });
      const entries = Array.from({ length: 1000 }, (_, i) => ({
        userLogin: `user${i}@example.com`,
        login: `user${i}@erp.example.com`,
        password: sensitiveVariable(stack, `user${i}_password`, `ERP password of user ${i}`),
      }));
      UserIntegrationLogin.fromList(stack, "erp", entries, { tab: "erp" });
      app.synth();
      const file = allFiles(outdir).find((f) => f.endsWith("cdk.tf.json")) ?? "";
      const json = JSON.parse(readFileSync(file, "utf8")) as Record<
        string,
        Record<string, unknown>
      >;
      expect(Object.keys(logins(json))).toHaveLength(1000);
      expect(logins(json).erp_user999_example_com_erp).toMatchObject({
        password_wo: "${var.user999_password}",
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
