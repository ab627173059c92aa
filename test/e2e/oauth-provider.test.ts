/**
 * `cpq_oauth_provider` with the real terraform against the simulator, from plain HCL: the OAuth
 * provider integration and the logins of its tab in one apply, an update as one PATCH, imports by
 * id and by vendor name, destroy in order, and the properties set by hand in CPQ kept throughout.
 * The simulator starts without an OAuth provider, so the `idp` tab exists only once the apply
 * has made the integration.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import { describeWithTerraform } from "./harness";

const VENDORS = "/rest/v19/integrationVendors";
const PROVIDER_TF = readFileSync(
  join(__dirname, "..", "..", "examples", "provider", "provider.tf"),
  "utf8",
);

/** A cpq_oauth_provider named `name` in HCL, with the token endpoint given. */
function providerHcl(name: string, tokenEndpoint: string): string {
  return `
resource "cpq_oauth_provider" "idcs" {
  vendor_name    = "${name}"
  login_endpoint = "https://idcs-1234.identity.oraclecloud.com"
  issuer         = "https://identity.oraclecloud.com/"
  client_id      = "836954009fe54f1382d0ba1d607a038d"
  token_endpoint = "${tokenEndpoint}"
  scope          = "urn:opc:idm:__myscopes__"
}
`;
}

const LOGINS_HCL = `
resource "cpq_user_integration_logins" "idcs" {
  tab        = cpq_oauth_provider.idcs.tab
  logins     = { jdoe = "jdoe@login.example.com" }
  depends_on = [cpq_oauth_provider.idcs]
}

resource "cpq_user_integration_login" "asmith" {
  user_login = "asmith"
  tab        = cpq_oauth_provider.idcs.tab
  login      = "asmith@login.example.com"
  depends_on = [cpq_oauth_provider.idcs]
}
`;

interface Vendor {
  id: number;
  vendorName: string;
  properties: { items: { name: string; value: string }[] };
}

describeWithTerraform("cpq_oauth_provider with real terraform", () => {
  const fixture = new E2eFixture({
    simulator: {
      integrations: {
        partners: [
          {
            tab: "crm",
            partner: "Oracle Sales",
            oauthEnabled: true,
            inbound: true,
            outbound: true,
          },
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
  });

  const workspace = (hcl: string) => {
    const ws = fixture.workspace();
    writeFileSync(join(ws.dir, "provider.tf"), PROVIDER_TF);
    writeFileSync(join(ws.dir, "main.tf"), hcl);
    return ws;
  };
  const vendorNamed = async (name: string): Promise<Vendor> => {
    const r = await fixture.sim.cpq(
      "GET",
      `${VENDORS}?q=${encodeURIComponent(JSON.stringify({ vendorName: name }))}`,
    );
    const found = (r.body as { items: Vendor[] }).items;
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const props = (v: Vendor) => Object.fromEntries(v.properties.items.map((p) => [p.name, p.value]));
  /** Adds a property as an administrator would in CPQ: the whole list, one more in it. */
  const addByHand = async (v: Vendor, name: string, value: string) => {
    const r = await fixture.sim.cpq("PATCH", `${VENDORS}/${v.id}`, {
      properties: { items: [...v.properties.items, { name, value }] },
    });
    expect(r.status).toBe(200);
  };
  const writes = async () =>
    (await fixture.sim.requests())
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.path}`);

  it("creates the provider and the logins of its tab in one apply, updates token_endpoint with one PATCH, keeps hand-set properties, and destroys the logins first", async () => {
    const ws = workspace(providerHcl("IDCS", "/oauth2/v1/token") + LOGINS_HCL);
    await ws.init();
    await fixture.sim.clearRequests();
    await ws.mustApply();
    const created = await vendorNamed("IDCS");
    expect(created).toMatchObject({ integrationType: "oAuthProvider" });
    expect(props(created)).toEqual({
      issuer: "https://identity.oraclecloud.com/",
      clientId: "836954009fe54f1382d0ba1d607a038d",
      tokenEP: "/oauth2/v1/token",
      oAuthProviderScope: "urn:opc:idm:__myscopes__",
    });
    // The integration first, then the logins on the tab it made.
    const made = await writes();
    expect(made[0]).toBe(`POST ${VENDORS}`);
    expect(made.slice(1).sort()).toEqual([
      "PUT /rest/v19/users/1001/integrations/idp",
      "PUT /rest/v19/users/1002/integrations/idp",
    ]);
    expect(ws.stateAttributes("cpq_oauth_provider", "idcs")).toMatchObject({
      id: String(created.id),
      tab: "idp",
      replaced_live_values: {},
    });
    const state = await fixture.sim.state();
    expect(state.integrations["1001"]?.idp?.login).toBe("jdoe@login.example.com");
    expect(state.partners.map((p) => p.tab)).toContain("idp");

    await addByHand(created, "customNote", "set by hand");
    const clean = await ws.plan();
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);

    writeFileSync(join(ws.dir, "main.tf"), providerHcl("IDCS", "/oauth2/v2/token") + LOGINS_HCL);
    // The plan is saved and applied as it is: the update applied is the one the plan showed,
    // without a second plan of the same configuration inside the apply.
    const changed = await ws.plan(["-out=tfplan"]);
    expect(changed.code).toBe(2);
    expect(changed.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    expect(changed.stdout).toMatch(
      /~ token_endpoint += "\/oauth2\/v1\/token" -> "\/oauth2\/v2\/token"/,
    );
    await fixture.sim.clearRequests();
    await ws.mustApply(["tfplan"]);
    expect(await writes()).toEqual([`PATCH ${VENDORS}/${created.id}`]);
    expect(props(await vendorNamed("IDCS"))).toEqual({
      issuer: "https://identity.oraclecloud.com/",
      clientId: "836954009fe54f1382d0ba1d607a038d",
      tokenEP: "/oauth2/v2/token",
      oAuthProviderScope: "urn:opc:idm:__myscopes__",
      customNote: "set by hand",
    });
    expect((await ws.plan()).code).toBe(0);

    await fixture.sim.clearRequests();
    await ws.must(["destroy", "-auto-approve", "-input=false", "-no-color"]);
    const gone = await writes();
    expect(gone).toHaveLength(3);
    expect(gone[2]).toBe(`DELETE ${VENDORS}/${created.id}`);
    expect(gone.slice(0, 2).sort()).toEqual([
      "DELETE /rest/v19/users/1001/integrations/idp",
      "DELETE /rest/v19/users/1002/integrations/idp",
    ]);
    expect((await fixture.sim.state()).partners.map((p) => p.tab)).toEqual(["crm", "erp"]);
  });

  it("imports an integration made by hand, by id and by vendor name, into a clean plan, keeping its other properties", async () => {
    const made = await fixture.sim.cpq("POST", VENDORS, {
      integrationType: "oAuthProvider",
      vendorName: "By Hand",
      loginEndpoint: "https://idcs-1234.identity.oraclecloud.com",
      properties: {
        items: [
          { name: "issuer", value: "https://identity.oraclecloud.com/" },
          { name: "clientId", value: "836954009fe54f1382d0ba1d607a038d" },
          { name: "tokenEP", value: "/oauth2/v1/token" },
          { name: "oAuthProviderScope", value: "urn:opc:idm:__myscopes__" },
          { name: "retrieveCertificate", value: "true" },
        ],
      },
    });
    expect(made.status).toBe(200);
    const id = (made.body as Vendor).id;
    expect(Number.isInteger(id)).toBe(true);

    for (const importId of [String(id), "By Hand"]) {
      const ws = workspace(
        `${providerHcl("By Hand", "/oauth2/v1/token")}
import {
  to = cpq_oauth_provider.idcs
  id = "${importId}"
}
`,
      );
      await ws.init();
      // The import plan is saved and applied as it is, as in the update above.
      const plan = await ws.plan(["-out=tfplan"]);
      expect(plan.stderr).toBe("");
      expect(plan.stdout).toContain("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.");
      await fixture.sim.clearRequests();
      await ws.mustApply(["tfplan"]);
      // An import writes nothing.
      expect(await writes()).toEqual([]);
      expect(ws.stateAttributes("cpq_oauth_provider", "idcs")).toMatchObject({
        id: String(id),
        retrieve_certificate: true,
        replaced_live_values: {},
      });
      expect((await ws.plan()).code).toBe(0);
    }
    expect(props(await vendorNamed("By Hand")).retrieveCertificate).toBe("true");
  });

  it("cpq-sso drift reports a token endpoint changed by hand in CPQ, and a hand-set property as no drift", async () => {
    const ws = workspace(providerHcl("IDCS", "/oauth2/v1/token"));
    await ws.init();
    await ws.mustApply();
    const v = await vendorNamed("IDCS");
    await addByHand(v, "customNote", "set by hand");
    const drift = () => fixture.cpqSso(["drift", "--dir", ws.dir], { cwd: ws.dir });
    const inSync = await drift();
    expect(inSync.stderr).toBe("");
    expect(inSync.code).toBe(0);
    const now = await vendorNamed("IDCS");
    const r = await fixture.sim.cpq("PATCH", `${VENDORS}/${v.id}`, {
      properties: {
        items: now.properties.items.map((p) =>
          p.name === "tokenEP" ? { name: p.name, value: "/changed/by/hand" } : p,
        ),
      },
    });
    expect(r.status).toBe(200);
    const drifted = await drift();
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toContain(
      'token_endpoint: declared "/oauth2/v1/token", live "/changed/by/hand"',
    );
  });

  it("refuses at plan an http login endpoint outside loopback and a certificate that does not parse, naming the attribute", async () => {
    const ws = workspace(`
resource "cpq_oauth_provider" "idcs" {
  vendor_name    = "IDCS"
  login_endpoint = "http://idcs.example.com"
  certificate    = "not a certificate"
}
`);
    await ws.init();
    const plan = await ws.plan();
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('Invalid value for "login_endpoint"');
    expect(plan.stderr).toContain("plain http is only allowed to loopback hosts");
    expect(plan.stderr).toContain('"certificate" is not an X.509 certificate');
  });
});
