import { SimulatorFixture } from "../support/simulator-fixture";
import { SEED_SAMPLE, call, expectOracleError, simState, withSimulator } from "./simulator-helpers";

const FEDERATED = {
  ssoMethod: "Federated Authentication",
  samlIdpUrl: "https://idp.example.com/sso",
  idProviderCertificate: "MIIB-placeholder",
};

describe("simulator: SSO configuration", () => {
  const fx = new SimulatorFixture();

  it("starts with ssoMethod None and every other readable field empty, without the two passwords", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/ssoConfiguration");
    expect(a.status).toBe(200);
    expect(a.headers.get("content-type")).toMatch(/application\/json/);
    expect(Object.keys(a.json)).toHaveLength(13);
    expect(a.json.ssoMethod).toBe("None");
    expect(a.json).not.toHaveProperty("samlStorePass");
    expect(a.json).not.toHaveProperty("samlKeyPass");
    for (const [k, v] of Object.entries(a.json)) if (k !== "ssoMethod") expect(v).toBe("");
  });

  it("accepts the seed's sample body exactly as printed and returns it without the passwords", async () => {
    const post = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
      body: SEED_SAMPLE,
    });
    expect(post.status).toBe(200);
    expect(post.json).toEqual({ restartRequired: "true", statusCode: "200" });
    const get = await call(fx.simulator, "GET", "/rest/v19/ssoConfiguration");
    const { samlStorePass: _s, samlKeyPass: _k, ...readable } = SEED_SAMPLE;
    expect(get.json).toEqual(readable);
  });

  it.each(["v17", "v18", "v19"])(
    "answers the same on %s, with and without the /cpq prefix",
    async (version) => {
      const post = await call(fx.simulator, "POST", `/cpq/rest/${version}/ssoConfiguration`, {
        body: { samlLogoutUrl: `https://${version}.example.com/logout` },
      });
      expect(post.status).toBe(200);
      for (const prefix of ["", "/cpq"]) {
        const get = await call(fx.simulator, "GET", `${prefix}/rest/${version}/ssoConfiguration`);
        expect(get.status).toBe(200);
        expect(get.json.samlLogoutUrl).toBe(`https://${version}.example.com/logout`);
      }
    },
  );

  it.each(["v16", "v15", "v20", "v1"])(
    "answers 404 for %s, saying which versions are served, with and without /cpq",
    async (version) => {
      for (const prefix of ["", "/cpq"]) {
        for (const path of ["ssoConfiguration", "users"]) {
          const a = await call(fx.simulator, "GET", `${prefix}/rest/${version}/${path}`);
          expectOracleError(a, 404);
          expect(a.json.detail).toContain(version);
          expect(a.json.detail).toContain("v17, v18, v19");
        }
      }
    },
  );

  it("answers 404 for other prefixes", async () => {
    const a = await call(fx.simulator, "GET", "/fusion/rest/v19/ssoConfiguration");
    expectOracleError(a, 404);
    expect(a.json.detail).not.toContain("v17, v18, v19");
  });

  it("merges a POST: fields left out keep their value and an empty string clears one", async () => {
    await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
      body: {
        samlLogoutUrl: "https://a.example.com/out",
        samlIssuerUrl: "https://cpq.example.com",
      },
    });
    await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
      body: { samlLogoutUrl: "" },
    });
    const get = await call(fx.simulator, "GET", "/rest/v19/ssoConfiguration");
    expect(get.json.samlLogoutUrl).toBe("");
    expect(get.json.samlIssuerUrl).toBe("https://cpq.example.com");
  });

  it("keeps the write-only passwords across POSTs that leave them out", async () => {
    await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body: SEED_SAMPLE });
    const before = (await simState(fx.simulator)).sso;
    await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
      body: { samlLogoutUrl: "x" },
    });
    const after = (await simState(fx.simulator)).sso;
    expect(after.samlStorePass).toEqual(before.samlStorePass);
    expect(after.samlStorePass.set).toBe(true);
  });

  it("does not return the passwords by default, even once they are set", async () => {
    await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body: SEED_SAMPLE });
    const get = await call(fx.simulator, "GET", "/rest/v19/ssoConfiguration");
    expect(get.json).not.toHaveProperty("samlStorePass");
    expect(get.text).not.toContain(SEED_SAMPLE.samlKeyPass);
  });

  describe("the restart rule", () => {
    it.each([
      ["ssoMethod", { ...FEDERATED }],
      ["idProviderCertificate", { idProviderCertificate: "other" }],
      ["samlRequestKeyStore", { samlRequestKeyStore: "other" }],
      ["samlStorePass", { samlStorePass: "other" }],
      ["samlKeyPass", { samlKeyPass: "other" }],
      ["samlNeedRequestSigned", { samlNeedRequestSigned: "false" }],
    ])("answers restartRequired 'true' when %s changes", async (_field, body) => {
      await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body: SEED_SAMPLE });
      const a = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body });
      expect(a.status).toBe(200);
      expect(a.json).toEqual({ restartRequired: "true", statusCode: "200" });
    });

    it.each([
      ["samlIdpUrl", { samlIdpUrl: "https://idp2.example.com" }],
      ["samlIssuerUrl", { samlIssuerUrl: "https://cpq2.example.com" }],
      ["samlLogoutUrl", { samlLogoutUrl: "https://idp2.example.com/out" }],
      ["requestedNameIdentifierFormat", { requestedNameIdentifierFormat: "urn:x" }],
      ["samlSingleLogoutEndpoint", { samlSingleLogoutEndpoint: "https://x" }],
      ["samlSingleLogoutResponseEndpoint", { samlSingleLogoutResponseEndpoint: "https://y" }],
      ["samlUserIdType", { samlUserIdType: "assertionTypeExternal" }],
      ["samlUserIdLocation", { samlUserIdLocation: "idLocationSubject" }],
      ["samlAttributeName", { samlAttributeName: "uid" }],
    ])("answers restartRequired 'false' when only %s changes", async (_field, body) => {
      await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body: SEED_SAMPLE });
      const a = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body });
      expect(a.json).toEqual({ restartRequired: "false", statusCode: "200" });
    });

    it("does not count a value equal to the stored one as a change", async () => {
      await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body: SEED_SAMPLE });
      const again = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: SEED_SAMPLE,
      });
      expect(again.json.restartRequired).toBe("false");
    });
  });

  describe("validation", () => {
    it.each([
      ["ssoMethod", "SAML"],
      ["ssoMethod", "federated authentication"],
      ["ssoMethod", ""],
      ["samlUserIdType", "username"],
      ["samlUserIdLocation", "subject"],
      ["samlNeedRequestSigned", "TRUE"],
      ["samlNeedRequestSigned", "yes"],
      ["samlNeedRequestSigned", ""],
    ])("refuses %s = %j with a 400 naming the field", async (field, value) => {
      const a = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { [field]: value },
      });
      expectOracleError(a, 400, field);
      expect(a.json.detail).toContain(field);
    });

    it("lists the allowed values, spelled as Oracle lists them, in the message", async () => {
      const a = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { ssoMethod: "SAML" },
      });
      expect(a.json.detail).toContain(
        "None, Federated Authentication, Remote Webservices, Federated and Remote",
      );
      expect(a.json.type).toBe("http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1");
      expect(a.json.title).toBe("Bad Request");
    });

    it("refuses an unknown field, naming it", async () => {
      const a = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { samlIdpURL: "https://idp.example.com" },
      });
      expectOracleError(a, 400, "samlIdpURL");
      expect(a.json["o:errorCode"]).toBe("CPQ-SSO-UNKNOWN-FIELD");
    });

    it.each([
      ["samlNeedRequestSigned", true],
      ["samlIdpUrl", 42],
      ["samlLogoutUrl", null],
      ["samlAttributeName", ["a"]],
    ])("refuses a non-string %s value", async (field, value) => {
      const a = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { [field]: value },
      });
      expectOracleError(a, 400, field);
    });

    it("refuses malformed JSON, an empty body and a body that is not an object", async () => {
      expectOracleError(
        await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body: "{not json" }),
        400,
      );
      expectOracleError(
        await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body: "" }),
        400,
      );
      expectOracleError(
        await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body: [] }),
        400,
      );
    });

    it("does not quote a malformed body, which may hold a password, in its error", async () => {
      const r = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: '{"samlStorePass":canary-store-pass-q9}',
      });
      expectOracleError(r, 400);
      // Node quotes about ten characters around the fault, so even a fragment must not appear.
      expect(JSON.stringify(r.json)).not.toContain("canary");
    });

    it("checks the cross-field rules on the merged result", async () => {
      // The method alone lacks the IdP URL and certificate...
      const alone = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { ssoMethod: "Federated and Remote" },
      });
      expectOracleError(alone, 400, "samlIdpUrl");
      expect(
        alone.json["o:errorDetails"].map((d: { "o:errorPath": string }) => d["o:errorPath"]),
      ).toEqual(["samlIdpUrl", "idProviderCertificate"]);
      // ...which a previous POST may have stored.
      await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { samlIdpUrl: FEDERATED.samlIdpUrl, idProviderCertificate: "cert" },
      });
      const merged = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { ssoMethod: "Federated and Remote" },
      });
      expect(merged.status).toBe(200);
      // Clearing a field a rule needs is refused too.
      expectOracleError(
        await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
          body: { samlIdpUrl: "" },
        }),
        400,
        "samlIdpUrl",
      );
    });

    it("needs samlAttributeName for idLocationAttribute", async () => {
      const a = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { samlUserIdLocation: "idLocationAttribute" },
      });
      expectOracleError(a, 400, "samlAttributeName");
    });

    it("needs the keystore and both passwords for signed requests", async () => {
      const a = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { samlNeedRequestSigned: "true", samlRequestKeyStore: "ks" },
      });
      expectOracleError(a, 400, "samlStorePass");
      expect(a.json["o:errorDetails"]).toHaveLength(2);
      const ok = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: {
          samlNeedRequestSigned: "true",
          samlRequestKeyStore: "ks",
          samlStorePass: "s",
          samlKeyPass: "k",
        },
      });
      expect(ok.status).toBe(200);
    });

    it("does not check the form of URLs, certificates or keystores", async () => {
      const a = await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { ...FEDERATED, samlIdpUrl: "not a url", idProviderCertificate: "not a cert" },
      });
      expect(a.status).toBe(200);
    });

    it("changes nothing when a POST is refused", async () => {
      await call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", {
        body: { samlLogoutUrl: "https://keep.example.com", ssoMethod: "bogus" },
      });
      const get = await call(fx.simulator, "GET", "/rest/v19/ssoConfiguration");
      expect(get.json.samlLogoutUrl).toBe("");
    });
  });

  it("loses no update when 50 POSTs of different fields arrive at once", async () => {
    const fields = [
      "samlIdpUrl",
      "samlIssuerUrl",
      "requestedNameIdentifierFormat",
      "samlLogoutUrl",
      "samlSingleLogoutEndpoint",
      "samlSingleLogoutResponseEndpoint",
      "samlAttributeName",
    ] as const;
    const posts = Array.from({ length: 50 }, (_, i) => {
      const field = fields[i % fields.length]!;
      return { field, value: `value-${i}` };
    });
    const answers = await Promise.all(
      posts.map((p) =>
        call(fx.simulator, "POST", "/rest/v19/ssoConfiguration", { body: { [p.field]: p.value } }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const get = await call(fx.simulator, "GET", "/rest/v19/ssoConfiguration");
    // Requests are applied in arrival order, which over one client is not guaranteed; every
    // field must hold one of the values sent for it, and none may be lost.
    for (const f of fields) {
      const sent = posts.filter((p) => p.field === f).map((p) => p.value);
      expect(sent).toContain(get.json[f]);
    }
  });

  it("loses no update among 50 concurrent POSTs each setting a distinct integration login", async () => {
    // Fifty distinct fields do not exist in the SSO body; fifty users' logins do.
    await withSimulator(
      {
        generatedUsers: 50,
        users: [],
        integrations: {
          partners: [
            {
              tab: "erp",
              partner: "Oracle ERP Cloud",
              oauthEnabled: false,
              inbound: false,
              outbound: true,
            },
          ],
        },
      },
      async (sim50) => {
        const answers = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            call(
              sim50,
              "PUT",
              `/rest/v19/users/P${String(i + 1).padStart(5, "0")}/integrations/erp`,
              {
                body: { login: `erp-${i + 1}`, authType: "password", password: "pw" },
              },
            ),
          ),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
        const state = await simState(sim50);
        expect(Object.keys(state.integrations)).toHaveLength(50);
      },
    );
  });

  it("answers 405 with Allow for methods other than GET and POST", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const a = await call(fx.simulator, method, "/rest/v19/ssoConfiguration", { body: {} });
      expectOracleError(a, 405);
      expect(a.headers.get("allow")).toBe("GET, POST");
    }
  });
});

describe("simulator: SSO behaviour options", () => {
  it("resets every field a POST leaves out, passwords included, with ssoPost replace", async () => {
    await withSimulator({ ssoPost: "replace" }, async (sim) => {
      await call(sim, "POST", "/rest/v19/ssoConfiguration", { body: SEED_SAMPLE });
      expect((await simState(sim)).sso.samlStorePass.set).toBe(true);
      const a = await call(sim, "POST", "/rest/v19/ssoConfiguration", {
        body: { ...FEDERATED, samlLogoutUrl: "https://idp.example.com/out" },
      });
      expect(a.status).toBe(200);
      // The keystore and passwords went from set to "", which the restart rule counts.
      expect(a.json).toEqual({ restartRequired: "true", statusCode: "200" });
      const get = await call(sim, "GET", "/rest/v19/ssoConfiguration");
      expect(get.json).toMatchObject({
        ...FEDERATED,
        samlLogoutUrl: "https://idp.example.com/out",
        samlIssuerUrl: "",
        samlUserIdType: "",
        samlNeedRequestSigned: "",
      });
      const state = (await simState(sim)).sso;
      expect(state.samlStorePass.set).toBe(false);
      expect(state.samlKeyPass.set).toBe(false);
      expect(state.samlRequestKeyStore.set).toBe(false);
      // A method left out goes back to None, the value of a site that never set one up.
      await call(sim, "POST", "/rest/v19/ssoConfiguration", { body: { samlIssuerUrl: "x" } });
      const after = await call(sim, "GET", "/rest/v19/ssoConfiguration");
      expect(after.json.ssoMethod).toBe("None");
      expect(after.json.samlIdpUrl).toBe("");
    });
  });

  it("answers restartRequired false to a replace POST that resends the same body", async () => {
    await withSimulator({ ssoPost: "replace" }, async (sim) => {
      await call(sim, "POST", "/rest/v19/ssoConfiguration", { body: SEED_SAMPLE });
      const again = await call(sim, "POST", "/rest/v19/ssoConfiguration", { body: SEED_SAMPLE });
      expect(again.json.restartRequired).toBe("false");
      expect((await simState(sim)).sso.samlKeyPass.set).toBe(true);
    });
  });

  it("checks the cross-field rules on the replaced result", async () => {
    await withSimulator({ ssoPost: "replace" }, async (sim) => {
      await call(sim, "POST", "/rest/v19/ssoConfiguration", { body: FEDERATED });
      // Under merge this would pass (the URL and certificate are stored); under replace they
      // are reset, so the method alone is refused.
      const a = await call(sim, "POST", "/rest/v19/ssoConfiguration", {
        body: { ssoMethod: FEDERATED.ssoMethod },
      });
      expectOracleError(a, 400, "samlIdpUrl");
      expect((await call(sim, "GET", "/rest/v19/ssoConfiguration")).json.samlIdpUrl).toBe(
        FEDERATED.samlIdpUrl,
      );
    });
  });

  it("returns samlStorePass and samlKeyPass from GET with ssoGetReturnsPasswords", async () => {
    await withSimulator({ ssoGetReturnsPasswords: true }, async (sim) => {
      const empty = await call(sim, "GET", "/rest/v19/ssoConfiguration");
      expect(Object.keys(empty.json)).toHaveLength(15);
      expect(empty.json).toMatchObject({ ssoMethod: "None", samlStorePass: "", samlKeyPass: "" });
      await call(sim, "POST", "/rest/v19/ssoConfiguration", { body: SEED_SAMPLE });
      const get = await call(sim, "GET", "/rest/v19/ssoConfiguration");
      expect(get.json).toEqual(SEED_SAMPLE);
      expect(get.json.samlStorePass).toBe(SEED_SAMPLE.samlStorePass);
    });
  });
});
