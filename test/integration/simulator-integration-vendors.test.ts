import { SimulatorFixture } from "../support/simulator-fixture";
import { SALESREP_AUTH, call, expectOracleError, withSimulator } from "./simulator-helpers";

const VENDORS = "/rest/v19/integrationVendors";

/** A vendor's properties as a name → value map, for exact comparison. */
function props(item: { properties: { items: { name: string; value: string }[] } }) {
  return Object.fromEntries(item.properties.items.map((p) => [p.name, p.value]));
}

describe("simulator: integration vendors", () => {
  const fx = new SimulatorFixture({ resetEachTest: false });

  it("lists one item per seeded partner, in Oracle's collection shape with self links", async () => {
    const a = await call(fx.simulator, "GET", VENDORS);
    expect(a.status).toBe(200);
    expect(Object.keys(a.json)).toEqual(["items", "links"]);
    expect(a.json.links).toEqual([{ rel: "self", href: `${fx.simulator.url}${VENDORS}` }]);
    expect(a.json.items).toHaveLength(3);
    expect(a.json.items[0]).toEqual({
      id: 3022910233,
      integrationType: "crm",
      vendorName: "Oracle Sales",
      loginEndpoint: "https://crm.example.com",
      properties: {
        items: [
          { name: "tab", value: "crm" },
          { name: "oAuthEnabled", value: "true" },
          { name: "inbound", value: "true" },
          { name: "outbound", value: "true" },
        ],
      },
      links: [{ rel: "self", href: `${fx.simulator.url}${VENDORS}/3022910233` }],
    });
  });

  it("maps the idp tab to an oAuthProvider item with Oracle's sample tokenEP and a hex clientId", async () => {
    const items = (await call(fx.simulator, "GET", VENDORS)).json.items;
    const idp = items[1];
    expect(idp).toMatchObject({
      id: 3022910234,
      integrationType: "oAuthProvider",
      vendorName: "Oracle Identity Cloud Service",
    });
    const p = props(idp);
    expect(p).toEqual({
      tab: "idp",
      oAuthEnabled: "true",
      inbound: "true",
      outbound: "false",
      tokenEP: "/oauth2/v1/token",
      clientId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(props(items[2])).toEqual({
      tab: "erp",
      oAuthEnabled: "false",
      inbound: "false",
      outbound: "true",
    });
    expect(items[2].integrationType).toBe("erp");
    // Every property value is a string, as Oracle prints them.
    for (const item of items) {
      for (const prop of item.properties.items) expect(typeof prop.value).toBe("string");
      expect(Number.isInteger(item.id)).toBe(true);
    }
  });

  it("returns one item by id without the wrapper, and the same item as the list", async () => {
    const list = (await call(fx.simulator, "GET", VENDORS)).json.items;
    const a = await call(fx.simulator, "GET", `${VENDORS}/3022910235`);
    expect(a.status).toBe(200);
    expect(a.json).toEqual(list[2]);
    const cpq = await call(fx.simulator, "GET", "/cpq/rest/v17/integrationVendors/3022910235");
    expect(cpq.json.links).toEqual([
      { rel: "self", href: `${fx.simulator.url}/cpq/rest/v17/integrationVendors/3022910235` },
    ]);
  });

  it.each(["1", "3022910236", "abc", "3022910233.0"])(
    "answers 404 for the id %s, which names no integration",
    async (id) => {
      const a = await call(fx.simulator, "GET", `${VENDORS}/${id}`);
      expectOracleError(a, 404);
      expect(a.json.detail).toContain(id);
    },
  );

  it("filters with q on integrationType and vendorName, by equality", async () => {
    const q = (v: string) => `${VENDORS}?q=${encodeURIComponent(v)}`;
    const byType = await call(
      fx.simulator,
      "GET",
      q(JSON.stringify({ integrationType: "oAuthProvider" })),
    );
    expect(byType.json.items.map((i: { id: number }) => i.id)).toEqual([3022910234]);
    const byName = await call(fx.simulator, "GET", q("{'vendorName':'Oracle ERP Cloud'}"));
    expect(byName.json.items.map((i: { id: number }) => i.id)).toEqual([3022910235]);
    const both = await call(
      fx.simulator,
      "GET",
      q(JSON.stringify({ integrationType: "crm", vendorName: "Oracle ERP Cloud" })),
    );
    expect(both.json.items).toEqual([]);
    const partial = await call(fx.simulator, "GET", q(JSON.stringify({ vendorName: "Oracle" })));
    expect(partial.json.items).toEqual([]);
  });

  it.each([
    ["another field", JSON.stringify({ tab: "crm" })],
    ["a non-string value", JSON.stringify({ vendorName: 1 })],
    ["not JSON", "vendorName=x"],
  ])("refuses a q that is %s with a 400 naming q", async (_what, value) => {
    const a = await call(fx.simulator, "GET", `${VENDORS}?q=${encodeURIComponent(value)}`);
    expectOracleError(a, 400, "q");
  });

  it("needs an administrator and allows GET and POST on the list, GET, PATCH and DELETE on one", async () => {
    expectOracleError(await call(fx.simulator, "GET", VENDORS, { auth: SALESREP_AUTH }), 403);
    expectOracleError(
      await call(fx.simulator, "POST", VENDORS, { auth: SALESREP_AUTH, body: {} }),
      403,
    );
    const put = await call(fx.simulator, "PUT", VENDORS, { body: {} });
    expectOracleError(put, 405);
    expect(put.headers.get("allow")).toBe("GET, POST");
    const putOne = await call(fx.simulator, "PUT", `${VENDORS}/3022910233`, { body: {} });
    expectOracleError(putOne, 405);
    expect(putOne.headers.get("allow")).toBe("GET, PATCH, DELETE");
  });

  it("follows the partner seed: ids in seed order, any tab other than idp as its own type", async () => {
    await withSimulator(
      {
        integrations: {
          partners: [
            { tab: "idp", partner: "Okta", oauthEnabled: false, inbound: true, outbound: false },
            {
              tab: "cpq2",
              partner: "Other CPQ",
              oauthEnabled: true,
              inbound: false,
              outbound: true,
            },
          ],
        },
      },
      async (custom) => {
        const items = (await call(custom, "GET", VENDORS)).json.items;
        expect(
          items.map((i: { id: number; integrationType: string }) => [i.id, i.integrationType]),
        ).toEqual([
          [3022910233, "oAuthProvider"],
          [3022910234, "cpq2"],
        ]);
        expect(props(items[0]).oAuthEnabled).toBe("false");
        expect(props(items[0]).clientId).not.toBe(
          props((await call(fx.simulator, "GET", VENDORS)).json.items[1]).clientId,
        );
      },
    );
  });

  it("leaves the project's own GET /integrations unchanged", async () => {
    const a = await call(fx.simulator, "GET", "/rest/v19/integrations");
    expect(a.json.oauthEnabled).toBe(true);
    expect(a.json.items[1]).toEqual({
      tab: "idp",
      partner: "Oracle Identity Cloud Service",
      oauthEnabled: true,
      inbound: true,
      outbound: false,
    });
  });
});
