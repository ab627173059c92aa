// cpq_service_provider_metadata's read with the real client against the simulator's
// /sso/spmetadata.jsp: the path template and prefix, what it exposes, and what it refuses (an
// answer over the size limit, unread; a page that is not SAML metadata, naming the path setting).
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { CpqContractError } from "../../provider/client";
import { MAX_METADATA_BYTES } from "../../provider/saml/metadata";
import { spMetadataDataSource } from "../../provider/resources/sp-metadata-data-source";
import { emptyObject } from "../../provider/contract/attributes";
import { ADMIN, addFault, failure, loggedRequests, simulatorWithClients } from "./client-helpers";

const fx = simulatorWithClients();
const sim = () => fx.sim;
const clients = fx.clients;
const read = (client: ReturnType<typeof clients.make>) =>
  spMetadataDataSource.read({ client }, emptyObject(spMetadataDataSource.attributes));

/** A server that answers every request with `body` (text/xml), for what the simulator never sends. */
async function serving(body: string | Buffer) {
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(body);
  });
  server.on("connection", (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("cpq_service_provider_metadata against the simulator", () => {
  it("reads the entity id, the default ACS, logout and the XML from /sso/spmetadata.jsp", async () => {
    const r = await read(clients.make());
    expect(r.diagnostics).toEqual([]);
    const s = r.state!;
    expect(s.entity_id).toBe(sim().url);
    expect(s.id).toBe(sim().url);
    expect(s.assertion_consumer_service_url).toBe(`${sim().url}/sso/saml_response.jsp`);
    expect(s.assertion_consumer_service_binding).toBe("HTTP-POST");
    expect(s.assertion_consumer_services).toEqual([
      {
        binding: "HTTP-POST",
        location: `${sim().url}/sso/saml_response.jsp`,
        index: 0,
        is_default: true,
      },
    ]);
    expect(s.single_logout_url).toBe(`${sim().url}/sso/saml_logout.jsp`);
    expect(s.single_logout_response_url).toBe(`${sim().url}/sso/saml_logout.jsp`);
    expect(s.signing_certificate).toBeNull();
    expect(s.certificate_sha256_fingerprint).toBeNull();
    expect(s.authn_requests_signed).toBe(false);
    expect(s.metadata_xml).toContain("<md:EntityDescriptor");
    const [req] = (await loggedRequests(sim())).filter((q) => q.path.endsWith("spmetadata.jsp"));
    expect(req).toMatchObject({ method: "GET", path: "/sso/spmetadata.jsp", status: 200 });
  });

  it("honours path_prefix and a path template of its own", async () => {
    const prefixed = await read(clients.make({ pathPrefix: "/cpq" }));
    expect(prefixed.state!.entity_id).toBe(`${sim().url}/cpq`);
    // A site that serves its metadata elsewhere: the template says where (here, a 404 proves it asked).
    const elsewhere = clients.make({ paths: { spMetadata: "{prefix}/saml/metadata.xml" } });
    const e = await failure(read(elsewhere));
    expect(String(e)).toMatch(/404.*\/saml\/metadata\.xml/s);
  });

  it("exposes the signing certificate with its fingerprint and expiry once CPQ signs its requests", async () => {
    const client = clients.make();
    await client.postSsoConfiguration({
      samlNeedRequestSigned: "true",
      samlRequestKeyStore: Buffer.from("keystore").toString("base64"),
      samlStorePass: "store",
      samlKeyPass: "key",
    });
    const s = (await read(client)).state!;
    expect(s.authn_requests_signed).toBe(true);
    expect(s.signing_certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(s.certificate_subject).toBe("CN=sp.cpq-simulator.example.com, O=cpq-sso simulator");
    expect(s.certificate_sha256_fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(s.certificate_not_after).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("retries a throttled read like any GET", async () => {
    await addFault(sim(), {
      path: "^/sso/spmetadata\\.jsp$",
      kind: "status",
      status: 429,
      retryAfter: 0,
    });
    expect((await read(clients.make())).state!.entity_id).toBe(sim().url);
  });

  it("refuses an answer over the size limit unread, and a page that is not SAML metadata with a diagnostic naming sp_metadata_path", async () => {
    const big = await serving(Buffer.alloc(MAX_METADATA_BYTES + 1, "x"));
    const html = await serving("<html><body>Please sign in</body></html>");
    try {
      const e = await failure(read(clients.make({ baseUrl: big.url, auth: ADMIN })));
      expect(e).toBeInstanceOf(CpqContractError);
      expect(String(e)).toMatch(/larger than 1 MiB/);
      const r = await read(clients.make({ baseUrl: html.url, auth: ADMIN }));
      expect(r.state).toBeNull();
      expect(r.diagnostics).toEqual([
        expect.objectContaining({
          severity: "error",
          summary: "CPQ's service provider metadata could not be read",
          detail: expect.stringMatching(/root element is <html>.*set sp_metadata_path/s) as unknown,
        }),
      ]);
    } finally {
      await big.close();
      await html.close();
    }
  });
});
