// The simulator's SP metadata page (GET /sso/spmetadata.jsp): public, XML, under /cpq too, and
// consistent with the SSO settings. Read with plain fetch and the provider's metadata reader,
// which is the one the cpq_service_provider_metadata data source uses.
import { X509Certificate } from "node:crypto";
import { SIMULATOR_SP_CERTIFICATE } from "../../simulator/routes/sp-metadata";
import { parseSpMetadata } from "../../provider/saml/metadata";
import { SimulatorFixture } from "../support/simulator-fixture";
import { call } from "./simulator-helpers";

describe("simulator: service provider metadata", () => {
  const fx = new SimulatorFixture();

  it.each(["", "/cpq"])(
    "serves %s/sso/spmetadata.jsp without credentials, as XML an IdP takes, with the site URL as entity id",
    async (prefix) => {
      const r = await call(fx.simulator, "GET", `${prefix}/sso/spmetadata.jsp`, { auth: null });
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("text/xml; charset=UTF-8");
      const m = parseSpMetadata(r.text);
      const site = `${fx.simulator.url}${prefix}`;
      expect(m.entityId).toBe(site);
      expect(m.defaultAssertionConsumerService).toEqual({
        binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
        location: `${site}/sso/saml_response.jsp`,
        index: 0,
        isDefault: true,
      });
      expect(m.singleLogout?.location).toBe(`${site}/sso/saml_logout.jsp`);
      expect(m.nameIdFormats).toEqual(["urn:oasis:names:tc:SAML:2.0:nameid-format:transient"]);
      // Requests are not signed by default: no signing key is published.
      expect(m.authnRequestsSigned).toBe(false);
      expect(m.signingCertificate).toBeUndefined();
    },
  );

  it("follows the SSO settings: issuer URL as entity id, NameID format, and a signing key once requests are signed", async () => {
    const post = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
      body: {
        samlIssuerUrl: "https://cpq.example.com/saml & sso",
        requestedNameIdentifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        samlNeedRequestSigned: "true",
        samlRequestKeyStore: Buffer.from("demo keystore").toString("base64"),
        samlStorePass: "store-pass",
        samlKeyPass: "key-pass",
      },
    });
    expect(post.status).toBe(200);
    const r = await call(fx.simulator, "GET", "/sso/spmetadata.jsp", { auth: null });
    const m = parseSpMetadata(r.text);
    // Escaped in the XML, read back as set.
    expect(m.entityId).toBe("https://cpq.example.com/saml & sso");
    expect(m.nameIdFormats).toEqual(["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"]);
    expect(m.authnRequestsSigned).toBe(true);
    expect(m.signingCertificate?.sha256Fingerprint).toBe(
      new X509Certificate(SIMULATOR_SP_CERTIFICATE).fingerprint256,
    );
    // The passwords and keystore are never in the page.
    expect(r.text).not.toContain("store-pass");
    expect(r.text).not.toContain(Buffer.from("demo keystore").toString("base64"));
  });

  it("answers 405 to a POST, and the page is in the request log like every CPQ request", async () => {
    const r = await call(fx.simulator, "POST", "/sso/spmetadata.jsp", { body: {} });
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("GET");
    const log = (await (await fetch(`${fx.simulator.url}/__sim/requests`)).json()) as {
      items: { path: string }[];
    };
    expect(log.items.map((i) => i.path)).toContain("/sso/spmetadata.jsp");
  });
});
