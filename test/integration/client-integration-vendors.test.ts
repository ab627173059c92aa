// The client's Integration Vendors calls against the simulator, and the partners (User Integration
// tabs) following the integrations CPQ holds; both readings of a PATCH's properties.items.
import { CpqHttpError } from "../../provider/client";
import { failure, loggedRequests, simulatorWithClients } from "./client-helpers";

// No OAuth provider in the seed: the idp tab comes with the integration a test creates.
const fx = simulatorWithClients({
  integrations: {
    partners: [
      { tab: "crm", partner: "Oracle Sales", oauthEnabled: true, inbound: true, outbound: true },
    ],
  },
});
const clients = fx.clients;

const IDCS = {
  integrationType: "oAuthProvider",
  vendorName: "IDCS",
  loginEndpoint: "https://idcs-1234.identity.oraclecloud.com",
  properties: {
    items: [
      { name: "tokenEP", value: "/oauth2/v1/token" },
      { name: "clientId", value: "a1" },
    ],
  },
};

async function setPatchMode(mode: "replace" | "merge"): Promise<void> {
  const r = await fetch(`${fx.sim.url}/__sim/options`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ vendorPatchProperties: mode }),
  });
  expect(r.status).toBe(200);
}

describe("CPQ client: integration vendors", () => {
  it("creates an integration with an integer id, finds it by name and type, and the site gains its tab", async () => {
    const client = clients.make();
    expect((await client.getPartners()).map((p) => p.tab)).toEqual(["crm"]);
    const made = await client.createIntegrationVendor(IDCS);
    expect(Number.isInteger(made.id)).toBe(true);
    expect(made).toMatchObject({ vendorName: "IDCS", integrationType: "oAuthProvider" });
    expect(await client.findIntegrationVendors({ vendorName: "IDCS" })).toEqual([made]);
    expect(
      await client.findIntegrationVendors({ vendorName: "IDCS", integrationType: "crm" }),
    ).toEqual([]);
    expect(await client.getIntegrationVendor(String(made.id))).toEqual(made);
    // A new client: the partners are read once per client.
    const tabs = (await clients.make().getPartners()).map((p) => p.tab);
    expect(tabs).toEqual(["crm", "idp"]);
    const q = (await loggedRequests(fx.sim)).find((r) => r.query.q !== undefined);
    expect(JSON.parse(q!.query.q!)).toEqual({ vendorName: "IDCS" });
  });

  it("answers null for an unknown id, deletes, and deleting again succeeds", async () => {
    const client = clients.make();
    expect(await client.getIntegrationVendor("1")).toBeNull();
    const made = await client.createIntegrationVendor(IDCS);
    await client.deleteIntegrationVendor(String(made.id));
    expect(await client.getIntegrationVendor(String(made.id))).toBeNull();
    await client.deleteIntegrationVendor(String(made.id));
    expect((await client.getPartners()).map((p) => p.tab)).toEqual(["crm"]);
  });

  it("refuses a second integration of the same name with a 400 naming vendorName", async () => {
    const client = clients.make();
    await client.createIntegrationVendor(IDCS);
    const err = await failure(client.createIntegrationVendor(IDCS));
    expect(err).toBeInstanceOf(CpqHttpError);
    expect((err as CpqHttpError).status).toBe(400);
    expect(String((err as CpqHttpError).message)).toContain("vendorName");
  });

  it.each(["replace", "merge"] as const)(
    "keeps the properties nobody manages when the client sends the whole list, with PATCH reading %s",
    async (mode) => {
      await setPatchMode(mode);
      const client = clients.make();
      const made = await client.createIntegrationVendor(IDCS);
      const patched = await client.patchIntegrationVendor(String(made.id), {
        properties: {
          items: [
            { name: "tokenEP", value: "/oauth2/v2/token" },
            { name: "clientId", value: "a1" },
          ],
        },
      });
      expect(patched.properties?.items).toEqual([
        { name: "tokenEP", value: "/oauth2/v2/token" },
        { name: "clientId", value: "a1" },
      ]);
      // A list of one: replace drops clientId, merge keeps it. The resource always sends all.
      const one = await client.patchIntegrationVendor(String(made.id), {
        properties: { items: [{ name: "tokenEP", value: "/t" }] },
      });
      expect(one.properties?.items.map((p) => p.name)).toEqual(
        mode === "replace" ? ["tokenEP"] : ["tokenEP", "clientId"],
      );
    },
  );
});
