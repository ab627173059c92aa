// SAML metadata, both halves: IdP metadata in the shapes Okta, Entra ID, OCI IAM identity
// domains and Shibboleth publish (test/fixtures/saml/, written by us), a service provider's, and hostile XML.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import {
  MAX_METADATA_BYTES,
  MetadataError,
  parseIdpMetadata,
  normalizeFingerprint,
  parseSpMetadata,
  signingCertificateByFingerprint,
  signingCertificatesKind,
  signingCertificatesNote,
} from "../../provider/saml/metadata";

const FIXTURES = join(__dirname, "..", "fixtures");
const fixture = (name: string) => readFileSync(join(FIXTURES, "saml", name), "utf8");
const certBase64 = (name: string) =>
  readFileSync(join(FIXTURES, name), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("-----"))
    .join("");
const MD = 'xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"';
const DS = 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"';
const keyDescriptor = (b64: string, use = ' use="signing"') =>
  `<md:KeyDescriptor${use}><ds:KeyInfo ${DS}><ds:X509Data><ds:X509Certificate>${b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
const idp = (inner: string) =>
  `<md:EntityDescriptor ${MD} entityID="https://idp.example.com/"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${inner}</md:IDPSSODescriptor></md:EntityDescriptor>`;
const POST_SSO =
  '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso/post"/>';

/** The error a parse throws, for assertions on its code and message. */
function failure(f: () => unknown): MetadataError {
  try {
    f();
  } catch (e) {
    if (e instanceof MetadataError) return e;
    throw e;
  }
  throw new Error("expected a MetadataError");
}

describe("identity provider metadata", () => {
  it("reads Okta's shape: the HTTP-Redirect sign-on URL, one signing certificate, no logout", () => {
    const m = parseIdpMetadata(fixture("okta-idp-metadata.xml"));
    expect(m.entityId).toBe("http://www.okta.com/exk1test0cpq0sso0x7");
    expect(m.ssoUrl).toBe(
      "https://example.okta.com/app/example_cpq_1/exk1test0cpq0sso0x7/sso/saml",
    );
    expect(m.ssoBinding).toBe("HTTP-Redirect");
    expect(m.singleSignOnServices).toHaveLength(2);
    expect(m.signingCertificates.map((c) => c.subject)).toEqual([
      "CN=idp.example.com, O=Example IdP",
    ]);
    expect(m.signingCertificates[0]!.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(m.singleLogout).toBeUndefined();
    expect(m.nameIdFormats).toContain("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    expect(signingCertificatesNote(m.signingCertificates)).toBe("");
  });

  it("reads Entra ID's shape: two signing keys in order, not the document signature's certificate nor the WS-Federation role's", () => {
    const m = parseIdpMetadata(fixture("entra-id-federation-metadata.xml"));
    expect(m.entityId).toBe("https://sts.windows.net/00000000-0000-4000-8000-00000000c0de/");
    expect(m.ssoUrl).toBe(
      "https://login.microsoftonline.com/00000000-0000-4000-8000-00000000c0de/saml2",
    );
    expect(m.signingCertificates.map((c) => c.subject)).toEqual([
      "CN=idp.example.com, O=Example IdP",
      "CN=idp2.example.com, O=Example IdP",
    ]);
    expect(m.singleLogout?.location).toBe(
      "https://login.microsoftonline.com/00000000-0000-4000-8000-00000000c0de/saml2",
    );
    const note = signingCertificatesNote(m.signingCertificates);
    expect(note).toContain("2 signing certificates");
    expect(note).toContain(`first, CN=idp.example.com, O=Example IdP`);
    expect(note).toContain(m.signingCertificates[1]!.sha256Fingerprint);
  });

  it("tells Entra ID's two keys, ending years apart, as a rollover", () => {
    const m = parseIdpMetadata(fixture("entra-id-federation-metadata.xml"));
    expect(signingCertificatesKind(m.signingCertificates)).toBe("rollover");
    const note = signingCertificatesNote(m.signingCertificates);
    expect(note).toContain("(a rollover in progress)");
    expect(note).not.toContain("Shibboleth");
  });

  it("reads Shibboleth's shape: two permanent keys with one subject, back-channel then front-channel, not a rollover", () => {
    const m = parseIdpMetadata(fixture("shibboleth-idp-metadata.xml"));
    expect(m.entityId).toBe("https://idp.example.org/idp/shibboleth");
    expect(m.ssoUrl).toBe("https://idp.example.org/idp/profile/SAML2/Redirect/SSO");
    expect(m.singleLogout?.location).toBe("https://idp.example.org/idp/profile/SAML2/Redirect/SLO");
    // The encryption key and the attribute authority's key are not signing keys of the SSO role.
    const [backChannel, frontChannel, ...more] = m.signingCertificates;
    expect(more).toEqual([]);
    expect(backChannel!.subject).toBe("CN=idp.example.org");
    expect(frontChannel!.subject).toBe("CN=idp.example.org");
    expect(backChannel!.sha256Fingerprint).not.toBe(frontChannel!.sha256Fingerprint);
    expect(signingCertificatesKind(m.signingCertificates)).toBe("several_keys");
    const note = signingCertificatesNote(m.signingCertificates).replace(/\s+/g, " ");
    expect(note).toContain("2 signing certificates made together");
    expect(note).toContain("not a rollover");
    expect(note).toContain("CPQ needs the front-channel one");
    expect(note).not.toContain("rollover in progress");
    expect(note).toContain(
      `The other is CN=idp.example.org (SHA-256 ${frontChannel!.sha256Fingerprint}`,
    );
    expect(note).toContain("provider::cpq::idp_metadata_with_certificate(xml,");
  });

  it("counts keys whose validity ends within a week of each other as made together, and farther apart as a rollover", () => {
    const at = (iso: string) => ({ notAfter: iso });
    expect(signingCertificatesKind([at("2036-01-01T00:00:00Z")])).toBe("single");
    expect(signingCertificatesKind([])).toBe("single");
    expect(signingCertificatesKind([at("2036-01-01T00:00:00Z"), at("2036-01-07T23:00:00Z")])).toBe(
      "several_keys",
    );
    expect(signingCertificatesKind([at("2036-01-01T00:00:00Z"), at("2036-01-09T00:00:00Z")])).toBe(
      "rollover",
    );
    // Shibboleth's pair beside a successor of one of them: a rollover.
    expect(
      signingCertificatesKind([
        at("2036-01-01T00:00:00Z"),
        at("2036-01-01T00:00:05Z"),
        at("2039-01-01T00:00:00Z"),
      ]),
    ).toBe("rollover");
  });

  it("finds a signing certificate by its SHA-256 fingerprint as openssl or a colleague writes it, and says which there are when none matches", () => {
    const certs = parseIdpMetadata(fixture("shibboleth-idp-metadata.xml")).signingCertificates;
    const front = certs[1]!;
    const bare = front.sha256Fingerprint.replace(/:/g, "");
    for (const written of [
      front.sha256Fingerprint,
      front.sha256Fingerprint.toLowerCase(),
      bare,
      ` sha256 Fingerprint=${front.sha256Fingerprint}\n`,
    ]) {
      expect(normalizeFingerprint(written)).toBe(front.sha256Fingerprint);
      expect(signingCertificateByFingerprint(certs, written)).toEqual({ certificate: front });
    }
    const absent = signingCertificateByFingerprint(certs, "00".repeat(32));
    expect("error" in absent && absent.error).toContain(
      "holds no signing certificate with the SHA-256 fingerprint 00:00:",
    );
    expect("error" in absent && absent.error).toContain(certs[0]!.sha256Fingerprint);
    expect("error" in absent && absent.error).toContain(front.sha256Fingerprint);
    // A SHA-1 fingerprint (20 bytes) is not a SHA-256 one.
    const sha1 = signingCertificateByFingerprint(certs, "AB:".repeat(19) + "AB");
    expect("error" in sha1 && sha1.error).toMatch(/^it is not a SHA-256 fingerprint/);
    expect(normalizeFingerprint("zz".repeat(32))).toBeUndefined();
  });

  it("reads an OCI IAM identity domain's shape: the IdP half of an entity that is both, signing keys only, logout with a response location", () => {
    const m = parseIdpMetadata(fixture("oci-iam-identity-domain-metadata.xml"));
    expect(m.entityId).toBe(
      "https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com:443/fed",
    );
    expect(m.ssoUrl).toMatch(/\/fed\/v1\/idp\/sso$/);
    // The encryption key (idp2) and the SP half's signing key (idp2) are not the IdP's signing key.
    expect(m.signingCertificates.map((c) => c.subject)).toEqual([
      "CN=idp.example.com, O=Example IdP",
    ]);
    expect(m.singleLogout).toEqual({
      binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
      location: expect.stringMatching(/\/fed\/v1\/idp\/slo$/) as unknown,
      responseLocation: expect.stringMatching(/\/fed\/v1\/idp\/slo\/response$/) as unknown,
    });
    expect(m.singleLogoutServices).toHaveLength(2);
  });

  it("takes the HTTP-POST service when there is no HTTP-Redirect one, and a key descriptor without use as a signing key", () => {
    const m = parseIdpMetadata(idp(keyDescriptor(certBase64("idp-cert.pem"), "") + POST_SSO));
    expect(m.ssoUrl).toBe("https://idp.example.com/sso/post");
    expect(m.ssoBinding).toBe("HTTP-POST");
    expect(m.signingCertificates).toHaveLength(1);
  });

  it("reads the one IdP entity of an EntitiesDescriptor, and refuses two", () => {
    const one = idp(keyDescriptor(certBase64("idp-cert.pem")) + POST_SSO);
    const wrap = (...entities: string[]) =>
      `<md:EntitiesDescriptor ${MD}>${entities.join("")}</md:EntitiesDescriptor>`;
    expect(parseIdpMetadata(wrap(one)).entityId).toBe("https://idp.example.com/");
    const e = failure(() => parseIdpMetadata(wrap(one, one)));
    expect(e.message).toMatch(/2 entities holding an md:IDPSSODescriptor/);
  });

  it.each([
    [
      "a service provider's metadata",
      () => fixture("okta-idp-metadata.xml").replace(/IDPSSODescriptor/g, "SPSSODescriptor"),
      /has no md:IDPSSODescriptor in its md:EntityDescriptor \(it has md:SPSSODescriptor\); it does not describe an identity provider/,
    ],
    [
      "no signing certificate",
      () => idp(keyDescriptor(certBase64("idp-cert.pem"), ' use="encryption"') + POST_SSO),
      /has no signing certificate: no md:KeyDescriptor/,
    ],
    [
      "no browser sign-on service",
      () =>
        idp(
          keyDescriptor(certBase64("idp-cert.pem")) +
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://idp.example.com/soap"/>',
        ),
      /no md:SingleSignOnService with the HTTP-Redirect or HTTP-POST binding \(it has SOAP\)/,
    ],
    [
      "a certificate that is not one",
      () => idp(keyDescriptor("bm90IGEgY2VydGlmaWNhdGU=") + POST_SSO),
      /ds:X509Certificate \(line 1\) that is not a base64 DER X.509 certificate/,
    ],
    [
      "no entityID",
      () => idp(POST_SSO).replace(' entityID="https://idp.example.com/"', ""),
      /has no entityID on its md:EntityDescriptor/,
    ],
    [
      "a service without Location",
      () =>
        idp(
          keyDescriptor(certBase64("idp-cert.pem")) +
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"/>',
        ),
      /has no Location on its md:SingleSignOnService/,
    ],
  ])("names what is missing: %s", (_name, xml, message) => {
    const e = failure(() => parseIdpMetadata(xml()));
    expect(e.message).toMatch(message);
  });
});

describe("service provider metadata", () => {
  it("reads the default assertion consumer service, logout and signing certificate", () => {
    const xml =
      `<md:EntityDescriptor ${MD} entityID="https://cpq.example.com">` +
      '<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
      keyDescriptor(certBase64("idp-cert.pem")) +
      '<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://cpq.example.com/logout"/>' +
      '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://cpq.example.com/acs/redirect" index="2"/>' +
      '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://cpq.example.com/acs" index="1"/>' +
      "</md:SPSSODescriptor></md:EntityDescriptor>";
    const m = parseSpMetadata(xml);
    expect(m.entityId).toBe("https://cpq.example.com");
    expect(m.assertionConsumerServices).toHaveLength(2);
    // No isDefault: the lowest index is the default.
    expect(m.defaultAssertionConsumerService.location).toBe("https://cpq.example.com/acs");
    expect(m.singleLogout?.location).toBe("https://cpq.example.com/logout");
    expect(m.signingCertificate?.subject).toBe("CN=idp.example.com, O=Example IdP");
    expect(m.authnRequestsSigned).toBe(true);
  });

  it("refuses metadata without an assertion consumer service, naming the path setting", () => {
    const xml = `<md:EntityDescriptor ${MD} entityID="https://cpq.example.com"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>`;
    expect(failure(() => parseSpMetadata(xml)).message).toMatch(
      /no md:AssertionConsumerService.*sp_metadata_path/,
    );
  });
});

describe("hostile XML", () => {
  /** Runs a parse and returns its error with the time and heap it took. */
  function measured(xml: string): { error: MetadataError; ms: number; heapMiB: number } {
    global.gc?.();
    const heap = process.memoryUsage().heapUsed;
    const started = performance.now();
    const error = failure(() => parseIdpMetadata(xml));
    return {
      error,
      ms: performance.now() - started,
      heapMiB: (process.memoryUsage().heapUsed - heap) / 1024 / 1024,
    };
  }

  it("refuses entity expansion (a billion laughs) at once, without expanding anything", () => {
    const levels = Array.from(
      { length: 10 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
    ).join("");
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${levels}]><lolz>&lol10;</lolz>`;
    const r = measured(xml);
    expect(r.error.code).toBe("doctype");
    expect(r.error.message).toMatch(/DOCTYPE or ENTITY declaration, which is refused/);
    expect(r.ms).toBeLessThan(1000);
    expect(r.heapMiB).toBeLessThan(16);
  });

  it("refuses an external entity and reads nothing it names: no file, no request", async () => {
    // Every TCP connection (fetch, http, undici) goes through Socket#connect: watched instead of
    // a listening canary, so this starts no server and sees a request to any address.
    const connects = jest.spyOn(Socket.prototype, "connect");
    try {
      // Not a port fetch refuses by itself (as 9 would be), so an attempt would reach connect.
      const url = "http://127.0.0.1:59999/evil.dtd";
      for (const xml of [
        `<?xml version="1.0"?><!DOCTYPE md [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><md:EntityDescriptor ${MD} entityID="&xxe;"/>`,
        `<?xml version="1.0"?><!DOCTYPE md SYSTEM "${url}"><md:EntityDescriptor ${MD} entityID="x"/>`,
        `<!DOCTYPE md [<!ENTITY % remote SYSTEM "${url}">%remote;]><x/>`,
      ]) {
        const e = failure(() => parseIdpMetadata(xml));
        expect(e.code).toBe("doctype");
        expect(e.message).not.toContain("root:");
      }
      // A reference to an entity nobody declared is an error too, not an empty string.
      const undeclared = failure(() => parseIdpMetadata(idp("&xxe;")));
      expect(undeclared.message).toMatch(
        /not well-formed XML: line 1, column \d+: undefined entity/,
      );
      // Nor does the parser follow a URL that is metadata content.
      parseIdpMetadata(
        idp(keyDescriptor(certBase64("idp-cert.pem")) + POST_SSO.replace(/https:[^"]+/, url)),
      );
      await new Promise((r) => setTimeout(r, 50));
      expect(connects).not.toHaveBeenCalled();
    } finally {
      connects.mockRestore();
    }
  });

  it("refuses 10 MB before parsing, in bounded time and memory", () => {
    const big = idp(`<!-- ${"x".repeat(10 * 1024 * 1024)} -->`);
    const r = measured(big);
    expect(r.error.code).toBe("too_large");
    expect(r.error.message).toMatch(
      new RegExp(
        `is ${Buffer.byteLength(big)} bytes long and at most ${MAX_METADATA_BYTES} are read`,
      ),
    );
    expect(r.ms).toBeLessThan(200);
    expect(r.heapMiB).toBeLessThan(16);
  });

  it("counts bytes, not characters: multi-byte text over the limit is refused", () => {
    const e = failure(() => parseIdpMetadata(idp("é".repeat(MAX_METADATA_BYTES / 2 + 1))));
    expect(e.code).toBe("too_large");
  });

  it("refuses deep nesting and too many elements within the size limit, in bounded time", () => {
    const deep = `${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}`;
    const r = measured(deep);
    expect(r.error.code).toBe("too_complex");
    expect(r.error.message).toMatch(/nested more than 64 deep/);
    const wide = `<a>${"<b/>".repeat(50_000)}</a>`;
    const w = measured(wide);
    expect(w.error.message).toMatch(/more than 20000 elements/);
    expect(r.ms + w.ms).toBeLessThan(2000);
  });

  it.each([
    ["an HTML page", "<!-- login --><html><body>Sign in</body></html>", /root element is <html>/],
    [
      "JSON",
      '{"entityID": "https://idp.example.com"}',
      /not well-formed XML: line 1, column \d+: text data outside of root node/,
    ],
    ["an empty document", "  \n", /the identity provider metadata is empty/],
    [
      "an EntityDescriptor outside the SAML namespace",
      '<EntityDescriptor entityID="x"/>',
      /root element is <EntityDescriptor>.*not md:EntityDescriptor in the namespace urn:oasis:names:tc:SAML:2.0:metadata/,
    ],
    ["unclosed elements", `<md:EntityDescriptor ${MD}>`, /not well-formed XML/],
  ])("refuses what is not SAML metadata: %s", (_name, xml, message) => {
    const e = failure(() => parseIdpMetadata(xml));
    expect(e.message).toMatch(message);
    expect(e.message).not.toMatch(/\.$/);
  });
});

describe("loading", () => {
  it("loads the XML parser only when metadata is parsed: not with the provider, its functions or data sources", () => {
    // A child process of its own: jest's module registry is not Node's require cache.
    const script = `
      require("tsx/cjs");
      const loaded = () => Object.keys(require.cache).some((k) => k.includes("/node_modules/saxes/"));
      const { cpqProvider } = require("./provider/provider.ts");
      cpqProvider.functions();
      cpqProvider.dataSources();
      const atStart = loaded();
      cpqProvider.functions().find((f) => f.name === "idp_metadata").call(["<html/>"]);
      console.log(JSON.stringify({ atStart, afterParse: loaded() }));
    `;
    const r = spawnSync(process.execPath, ["-e", script], {
      cwd: join(__dirname, "..", ".."),
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ atStart: false, afterParse: true });
  });
});
