/**
 * The client against answers shaped exactly as Oracle's REST reference prints them (not as our
 * simulator does): a loopback server answers the documented samples of "Get a User", "Get All
 * Users" (no paging fields), "Get List of Integrations" (integrationVendors) and the SSO GET,
 * trimmed only of fields the samples elide. Pages:
 * - docs.oracle.com/en/cloud/saas/configure-price-quote/cxcpq/op-rest-v19-users-partynumber-get.html
 * - help.bigmachines.com/cpq/Content/RestAPIs/cpqAPIs/integrationUsers.htm (coded `type`)
 * - help.bigmachines.com/BMIHelp/Content/RestAPIs/cpqAPIs/integrationVendors.htm
 * - docs.oracle.com/en/cloud/saas/configure-price-quote/cxcpq/op-rest-v19-ssoconfiguration-get.html
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { CpqClient } from "../../provider/client";
import { CpqContractError, createCpqClient } from "../../provider/client";
import { codedBoolean, codedText, userEmail } from "../../provider/client/coded";
import { partnersOfVendors } from "../../provider/client/partners";

/** Oracle's "Get a User" sample, with the coded fields as Oracle prints them elsewhere. */
const SIMON = {
  login: "simon.watts",
  isNotifyFax: false,
  firstName: "Simon",
  lastName: "Watts",
  jobTitle: "Sales Manager Administrator",
  email: "simon.watts@yourcompany.com",
  phone: "2622622627",
  billCompany: "abc",
  separateShipAddr: false,
  isNotifyEmail: true,
  partyNumber: "BM_Zb69fNkzcp8",
  dateModified: "2025-09-26T12:17:59.000Z",
  links: [{ rel: "self", href: "https://sitename.oracle.com/rest/v19/users/BM_Zb69fNkzcp8" }],
  type: { value: "FULL_ACCESS", displayValue: "FullAccess" },
  status: { value: 1, displayValue: "Active" },
  enabledForSso: { value: true, displayValue: "Yes" },
  currency: { value: "USD", displayValue: "USD" },
  dateFormat: { value: 0, displayValue: "MM/dd/yyyy h:mm a" },
};

/** The help page's integrationVendors sample, verbatim but for the client id. */
const VENDORS = {
  items: [
    {
      integrationType: "oAuthProvider",
      vendorName: "Identity Cloud Service",
      loginEndpoint: "https://idp.oracle.com",
      properties: {
        items: [
          { name: "resourceEP", value: "/admin/v1/SigningCert/jwk" },
          { name: "clientId", value: "836954009fe54f1382d0ba1d607a038d" },
          { name: "tokenEP", value: "/oauth2/v1/token" },
          { name: "oAuthProviderScope", value: "urn:opc:idm:__myscopes__" },
          { name: "retrieveCertificate", value: "true" },
          { name: "issuer", value: "https://identity.oraclecloud.com/" },
        ],
      },
      id: 3022910233,
      links: [
        { rel: "self", href: "https://sitename.oracle.com/rest/v17/integrationVendors/3022910233" },
      ],
    },
  ],
  links: [{ rel: "self", href: "https://sitename.oracle.com/rest/v17/integrationVendors" }],
};

type Answer = { status?: number; body: unknown };

/**
 * A body as CPQ sends it: `partyId` is an 18-digit JSON number in Oracle's sample, beyond what a
 * JavaScript number holds exactly, so it is spliced into the text rather than written here.
 */
const withPartyId = (user: object): string =>
  JSON.stringify(user).replace(/^\{/, '{"partyId":181556695830934950,');

describe("the client against answers shaped as Oracle documents them", () => {
  let server: http.Server;
  let client: CpqClient;
  let answers: Record<string, (url: URL) => Answer>;
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      seen.push(`${req.method} ${url.pathname}${url.search}`);
      const answer = answers[url.pathname]?.(url) ?? { status: 404, body: { title: "Not Found" } };
      res.writeHead(answer.status ?? 200, { "content-type": "application/json" });
      res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    client = createCpqClient({
      baseUrl: `http://127.0.0.1:${port}`,
      auth: { kind: "basic", username: "admin", password: "pw" },
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await client.close();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it("reads Oracle's user record: email, coded type, status and enabledForSso, unknown fields ignored", async () => {
    answers = { "/rest/v19/users/BM_Zb69fNkzcp8": () => ({ body: withPartyId(SIMON) }) };
    const u = await client.getUser("BM_Zb69fNkzcp8");
    expect(u.partyNumber).toBe("BM_Zb69fNkzcp8");
    expect(u.login).toBe("simon.watts");
    expect(userEmail(u)).toBe("simon.watts@yourcompany.com");
    expect(codedText(u.type)).toBe("FullAccess");
    expect(codedText(u.status)).toBe("Active");
    expect(codedBoolean(u.enabledForSso)).toBe(true);
  });

  it("names the missing field a user record cannot do without", async () => {
    const { partyNumber: _omitted, ...noParty } = SIMON;
    answers = { "/rest/v19/users": () => ({ body: { items: [noParty] } }) };
    const e = await client.listUsers().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CpqContractError);
    expect((e as Error).message).toContain(`field "items.0.partyNumber" is missing`);
  });

  it("pages a users list that has no hasMore until a page comes back empty, even when the site caps the page below the limit asked for", async () => {
    const all = Array.from({ length: 7 }, (_, i) => ({
      ...SIMON,
      partyNumber: `P${i}`,
      login: `u${i}`,
    }));
    // A site that serves 3 a page whatever `limit` says, and prints no paging fields.
    answers = {
      "/rest/v19/users": (url) => {
        const offset = Number(url.searchParams.get("offset") ?? 0);
        return { body: { items: all.slice(offset, offset + 3) } };
      },
    };
    const users = await client.listAllUsers();
    expect(users.map((u) => u.login)).toEqual(all.map((u) => u.login));
    expect(
      seen.map((s) => new URL(s.split(" ")[1]!, "http://x").searchParams.get("offset")),
    ).toEqual(["0", "3", "6", "7"]);
    expect(seen[0]).toContain("limit=1000");
  });

  it("reads the site's partners from Oracle's integrationVendors sample", async () => {
    answers = { "/rest/v19/integrationVendors": () => ({ body: VENDORS }) };
    expect(await client.getPartners()).toEqual([
      {
        tab: "idp",
        partner: "Identity Cloud Service",
        oauthEnabled: true,
        inbound: false,
        outbound: false,
      },
    ]);
  });

  it("maps a CRM vendor with the assumed tab, OAuth and direction properties", () => {
    const crm = {
      integrationType: "crm",
      vendorName: "Oracle Sales",
      properties: {
        items: [
          { name: "oAuthEnabled", value: "false" },
          { name: "inbound", value: "true" },
          { name: "outbound", value: "true" },
        ],
      },
    };
    const second = { ...crm, vendorName: "Another CRM" };
    expect(partnersOfVendors([crm, second])).toEqual([
      { tab: "crm", partner: "Oracle Sales", oauthEnabled: false, inbound: true, outbound: true },
    ]);
  });

  it("drops the two passwords an older SSO GET lists, and refuses an answer without ssoMethod", async () => {
    const sso = {
      ssoMethod: "Federated Authentication",
      samlIdpUrl: "https://idp.example.com/sso",
      samlStorePass: "canary-get-store-pass",
      samlKeyPass: "canary-get-key-pass",
    };
    answers = { "/rest/v19/ssoConfiguration": () => ({ body: sso }) };
    const got = await client.getSsoConfiguration();
    expect(got).toEqual({
      ssoMethod: "Federated Authentication",
      samlIdpUrl: "https://idp.example.com/sso",
    });
    expect(JSON.stringify(got)).not.toContain("canary");

    answers = { "/rest/v19/ssoConfiguration": () => ({ body: { samlIdpUrl: "x" } }) };
    const e = await client.getSsoConfiguration().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CpqContractError);
    expect((e as Error).message).toContain("ssoMethod");
  });

  it("sends a user PATCH with only the fields given", async () => {
    let body: unknown;
    answers = {
      "/rest/v19/users/BM_Zb69fNkzcp8": () => ({ body: { ...SIMON, externalSsoId: "E42" } }),
    };
    server.once("request", (req: http.IncomingMessage) => {
      let text = "";
      req.on("data", (d: Buffer) => (text += d.toString()));
      req.on("end", () => (body = JSON.parse(text)));
    });
    const u = await client.patchUser("BM_Zb69fNkzcp8", { externalSsoId: "E42" });
    expect(seen).toEqual(["PATCH /rest/v19/users/BM_Zb69fNkzcp8"]);
    expect(body).toEqual({ externalSsoId: "E42" });
    expect((u as Record<string, unknown>).externalSsoId).toBe("E42");
  });
});
