import { X509Certificate, createPrivateKey } from "node:crypto";
import { derInteger, derOid, generateServerCertificate } from "../../provider/plugin/cert";

describe("the AutoMTLS server certificate", () => {
  const now = new Date("2030-06-01T12:00:00Z");
  const cert = generateServerCertificate({ now });
  const x = new X509Certificate(cert.certPem);

  it("parses as X.509 and is signed by its own key", () => {
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(cert.keyPem))).toBe(true);
    expect(Buffer.compare(x.raw, cert.certDer)).toBe(0);
  });

  it("names localhost in the subject and as a DNS SAN", () => {
    expect(x.subject).toContain("CN=localhost");
    expect(x.issuer).toBe(x.subject);
    expect(x.subjectAltName).toBe("DNS:localhost");
    expect(x.checkHost("localhost")).toBe("localhost");
  });

  it("is a CA (its own root) with server and client authentication", () => {
    expect(x.ca).toBe(true);
    expect(x.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"]);
  });

  it("uses an ECDSA P-256 key", () => {
    expect(x.publicKey.asymmetricKeyType).toBe("ec");
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it("is valid from just before now for a year", () => {
    expect(new Date(x.validFrom).getTime()).toBe(now.getTime() - 30_000);
    expect(new Date(x.validTo).getTime()).toBe(now.getTime() + 365 * 24 * 3600 * 1000);
  });

  it("has a positive 16-byte serial, different each time", () => {
    expect(x.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    const other = new X509Certificate(generateServerCertificate().certPem);
    expect(other.serialNumber).not.toBe(x.serialNumber);
  });

  it("encodes INTEGERs minimally and positive, and OIDs in base 128", () => {
    expect(derInteger(Buffer.from([0x00, 0x00, 0x7f])).toString("hex")).toBe("02017f");
    expect(derInteger(Buffer.from([0x80])).toString("hex")).toBe("02020080");
    expect(derOid("1.2.840.10045.4.3.2").toString("hex")).toBe("06082a8648ce3d040302");
  });
});
