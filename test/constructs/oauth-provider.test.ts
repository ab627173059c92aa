import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  OAuthProvider,
  UserIntegrationLogin,
  UserIntegrationLogins,
  UserSso,
} from "../../constructs";
import { newStack, synthJson, validationError, warnings } from "./helpers";

const BASE = { vendorName: "IDCS", loginEndpoint: "https://idcs-1234.identity.oraclecloud.com" };

describe("OAuthProvider", () => {
  it("synthesizes cpq_oauth_provider with only the props given, at a readable address", () => {
    const stack = newStack();
    new OAuthProvider(stack, "idcs", { ...BASE, tokenEndpoint: "/oauth2/v1/token" });
    expect(synthJson(stack).resource).toEqual({
      cpq_oauth_provider: {
        idcs: {
          vendor_name: "IDCS",
          login_endpoint: "https://idcs-1234.identity.oraclecloud.com",
          token_endpoint: "/oauth2/v1/token",
        },
      },
    });
    expect(validationError(stack)).toBeUndefined();
  });

  it("fails synth naming the prop and the fix for an http endpoint outside loopback and a certificate that does not parse", () => {
    const stack = newStack();
    new OAuthProvider(stack, "bad", {
      vendorName: "IDCS",
      loginEndpoint: "http://idcs.example.com",
      certificate: "not a certificate",
    });
    const error = validationError(stack) ?? "";
    expect(error).toContain("[stack/bad] loginEndpoint (login_endpoint)");
    expect(error).toContain("plain http is only allowed to loopback hosts");
    expect(error).toContain('certificate (certificate): "certificate" is not an X.509 certificate');
  });

  it("warns when retrieveCertificate and a certificate are both set", () => {
    const stack = newStack();
    new OAuthProvider(stack, "both", {
      ...BASE,
      retrieveCertificate: true,
      certificate: readFileSync(join(__dirname, "..", "fixtures", "idp-cert.pem"), "utf8"),
    });
    expect(validationError(stack)).toBeUndefined();
    expect(warnings(stack).join("\n")).toContain(
      "retrieveCertificate (retrieve_certificate): Both retrieve_certificate and certificate are set",
    );
  });

  it("gives the logins of its tab, one or many, its tab and makes them and SSO users wait for it", () => {
    const stack = newStack();
    const idcs = new OAuthProvider(stack, "idcs", BASE);
    new UserIntegrationLogin(stack, "jdoe_idp", {
      oauthProvider: idcs,
      userLogin: "jdoe",
      login: "jdoe@login.example.com",
    });
    new UserIntegrationLogins(stack, "idp", { oauthProvider: idcs, logins: { asmith: "a@x" } });
    UserIntegrationLogin.fromList(stack, "l", [{ userLogin: "bwayne", login: "b@x" }], {
      oauthProvider: idcs,
    });
    new UserSso(stack, "jdoe_sso", { userLogin: "jdoe", enabledForSso: true, oauthProvider: idcs });
    expect(validationError(stack)).toBeUndefined();
    const r = synthJson(stack).resource as Record<string, Record<string, Record<string, unknown>>>;
    const login = r.cpq_user_integration_login!;
    for (const l of [login.jdoe_idp!, ...Object.values(login)]) {
      expect(l.tab).toBe("${cpq_oauth_provider.idcs.tab}");
      expect(l.depends_on).toEqual(["cpq_oauth_provider.idcs"]);
    }
    expect(r.cpq_user_integration_logins!.idp).toMatchObject({
      tab: "${cpq_oauth_provider.idcs.tab}",
      depends_on: ["cpq_oauth_provider.idcs"],
    });
    expect(r.cpq_user_sso!.jdoe_sso!.depends_on).toEqual(["cpq_oauth_provider.idcs"]);
  });

  it("keeps a tab given beside the provider, and still waits for it", () => {
    const stack = newStack();
    const idcs = new OAuthProvider(stack, "idcs", BASE);
    new UserIntegrationLogins(stack, "idp", { oauthProvider: idcs, tab: "idp", logins: {} });
    const r = synthJson(stack).resource as Record<string, Record<string, Record<string, unknown>>>;
    expect(r.cpq_user_integration_logins!.idp).toMatchObject({
      tab: "idp",
      depends_on: ["cpq_oauth_provider.idcs"],
    });
  });

  it("refuses a login with neither a tab nor an OAuth provider, naming the prop", () => {
    const stack = newStack();
    new UserIntegrationLogin(stack, "nowhere", { userLogin: "jdoe", login: "j@x" });
    expect(validationError(stack)).toContain("[stack/nowhere] tab (tab)");
  });
});
