// The TypeScript snippets the docs pages show (examples/resources/*/construct.ts and
// examples/data-sources/*/construct.ts) synthesize, validate clean, and declare what the page says.
import { ssoConfigurationExample } from "../../examples/resources/cpq_sso_configuration/construct";
import { userIntegrationLoginExample } from "../../examples/resources/cpq_user_integration_login/construct";
import { userSsoExample } from "../../examples/resources/cpq_user_sso/construct";
import { userIntegrationLoginsExample } from "../../examples/resources/cpq_user_integration_logins/construct";
import { oauthProviderExample } from "../../examples/resources/cpq_oauth_provider/construct";
import { usersDataSourceExample } from "../../examples/data-sources/cpq_users/construct";
import { newStack, synthJson, validationError, warnings } from "./helpers";

describe("the docs pages' construct snippets", () => {
  it("cpq_sso_configuration: one SSO resource whose passwords are ephemeral variables", () => {
    const stack = newStack();
    ssoConfigurationExample(stack);
    expect(validationError(stack)).toBeUndefined();
    expect(warnings(stack)).toEqual([]);
    const json = synthJson(stack);
    const sso = Object.values(json.resource!.cpq_sso_configuration as object)[0] as Record<
      string,
      unknown
    >;
    expect(sso.saml_store_pass_wo).toBe("${var.saml_store_pass}");
    expect(sso.saml_key_pass_wo).toBe("${var.saml_key_pass}");
    expect(sso.id_provider_certificate).toContain("-----BEGIN CERTIFICATE-----");
    const variables = json.variable as Record<string, { ephemeral?: boolean }>;
    expect(variables.saml_store_pass!.ephemeral).toBe(true);
    expect(variables.saml_request_keystore!.ephemeral).toBeUndefined();
    expect(Object.keys(json.output!)).toEqual(
      expect.arrayContaining(["sso_restart_required", "certificate_not_after"]),
    );
  });

  it("cpq_user_integration_login: an OAuth login and a checked password login", () => {
    const stack = newStack();
    userIntegrationLoginExample(stack);
    expect(validationError(stack)).toBeUndefined();
    const logins = synthJson(stack).resource!.cpq_user_integration_login as Record<
      string,
      Record<string, unknown>
    >;
    const byTab = new Map(Object.values(logins).map((l) => [l.tab, l]));
    expect([...byTab.keys()].sort()).toEqual(["erp", "idp"]);
    expect(byTab.get("idp")).toMatchObject({ user_login: "jdoe", login: "jdoe@login.example.com" });
    expect(byTab.get("erp")).toMatchObject({
      password_wo: "${var.jdoe_erp_password}",
      validate_credentials: true,
    });
  });

  it("cpq_user_integration_logins: a tab's logins from CSV rows, as one resource", () => {
    const stack = newStack();
    userIntegrationLoginsExample(stack);
    expect(validationError(stack)).toBeUndefined();
    const tabs = synthJson(stack).resource!.cpq_user_integration_logins as Record<string, unknown>;
    expect(Object.values(tabs)).toEqual([
      {
        tab: "idp",
        key_by: "login",
        logins: { jdoe: "jdoe@login.example.com", asmith: "asmith@login.example.com" },
      },
    ]);
  });

  it("cpq_user_sso: one user's SSO settings", () => {
    const stack = newStack();
    userSsoExample(stack);
    expect(validationError(stack)).toBeUndefined();
    const users = synthJson(stack).resource!.cpq_user_sso as Record<string, unknown>;
    expect(Object.values(users)).toEqual([
      { user_login: "jdoe", enabled_for_sso: true, external_sso_id: "E-1001" },
    ]);
  });

  it("cpq_oauth_provider: the integration, and the logins of its tab waiting for it", () => {
    const stack = newStack();
    oauthProviderExample(stack);
    expect(validationError(stack)).toBeUndefined();
    expect(warnings(stack)).toEqual([]);
    const json = synthJson(stack);
    const [provider] = Object.values(json.resource!.cpq_oauth_provider as object) as Record<
      string,
      unknown
    >[];
    expect(provider).toMatchObject({
      vendor_name: "IDCS",
      token_endpoint: "/oauth2/v1/token",
      retrieve_certificate: true,
    });
    const [logins] = Object.values(json.resource!.cpq_user_integration_logins as object) as Record<
      string,
      unknown
    >[];
    expect(logins!.tab).toBe("${cpq_oauth_provider.idcs.tab}");
    expect(logins!.depends_on).toEqual(["cpq_oauth_provider.idcs"]);
  });

  it("cpq_users: a lookup by login and an output of the party number", () => {
    const stack = newStack();
    usersDataSourceExample(stack);
    expect(validationError(stack)).toBeUndefined();
    const json = synthJson(stack);
    expect(Object.values(json.data!.cpq_users as object)).toEqual([{ login: "jdoe" }]);
    expect(JSON.stringify(json.output)).toContain("party_number");
  });
});
