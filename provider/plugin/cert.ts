/**
 * A fresh self-signed server certificate for go-plugin's AutoMTLS, made with `node:crypto` and a
 * minimal DER writer: Node can sign but not build certificates, and a certificate library would
 * cost start-up time. The fields mirror what go-plugin's own server makes, because Terraform's
 * side checks them with Go's strict x509 parser: a positive minimally encoded serial, SAN DNS
 * `localhost`, a CA basic constraint (the certificate is its own root), key usage with digital
 * signature and certificate signing, extended key usage for server and client authentication.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

// ---- DER ------------------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, "utf8"));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const explicit = (n: number, c: Buffer): Buffer => tlv(0xa0 | n, c);
/** BIT STRING whose content is whole bytes (keys, signatures): zero unused bits. */
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), b);

/** A non-negative INTEGER, minimally encoded (Go rejects a redundant leading byte). */
export function derInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0 && (bytes[i + 1]! & 0x80) === 0) i++;
  let b = bytes.subarray(i);
  if ((b[0]! & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

/** OBJECT IDENTIFIER from dotted form. */
export function derOid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128))
      chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime (years 1950-2049, which is all this module writes): YYMMDDHHMMSSZ. */
function utcTime(d: Date): Buffer {
  const p = (n: number): string => String(n).padStart(2, "0");
  const s =
    p(d.getUTCFullYear() % 100) +
    p(d.getUTCMonth() + 1) +
    p(d.getUTCDate()) +
    p(d.getUTCHours()) +
    p(d.getUTCMinutes()) +
    p(d.getUTCSeconds()) +
    "Z";
  return tlv(0x17, Buffer.from(s, "ascii"));
}

// ---- the certificate --------------------------------------------------------------------------

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  basicConstraints: "2.5.29.19",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
};

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return seq(derOid(oid), ...(critical ? [bool(true)] : []), octets(value));
}

/** A generated key pair and its self-signed certificate. */
export interface ServerCertificate {
  /** PEM certificate, for the TLS server. */
  readonly certPem: string;
  /** PEM PKCS#8 private key, for the TLS server. */
  readonly keyPem: string;
  /** DER certificate; its unpadded base64 is the handshake line's last field. */
  readonly certDer: Buffer;
}

/** Options of {@link generateServerCertificate}; tests pin the clock. */
export interface CertificateOptions {
  readonly now?: Date;
  /** Validity after `now`; default one year (the process lives minutes; clocks drift). */
  readonly validForMs?: number;
  readonly hostname?: string;
}

/** Makes an ECDSA P-256 key and a self-signed certificate for `localhost`. */
export function generateServerCertificate(opts: CertificateOptions = {}): ServerCertificate {
  const now = opts.now ?? new Date();
  const host = opts.hostname ?? "localhost";
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = publicKey.export({ type: "spki", format: "der" });

  const serial = randomBytes(16);
  // Positive and a full 16 bytes: top bit clear, next bit set.
  serial[0] = (serial[0]! & 0x7f) | 0x40;

  const name = seq(
    set(seq(derOid(OID.organization), utf8("cpq-sso"))),
    set(seq(derOid(OID.commonName), utf8(host))),
  );
  // digitalSignature(0) keyEncipherment(2) keyAgreement(4) keyCertSign(5), as go-plugin sets:
  // 1010 1100 with the two trailing zero bits declared unused.
  const keyUsage = bits(Buffer.from([0xac]), 2);
  const extensions = seq(
    extension(OID.keyUsage, true, keyUsage),
    extension(OID.extKeyUsage, false, seq(derOid(OID.clientAuth), derOid(OID.serverAuth))),
    extension(OID.basicConstraints, true, seq(bool(true))),
    extension(OID.subjectAltName, false, seq(tlv(0x82, Buffer.from(host, "ascii")))),
  );
  const algorithm = seq(derOid(OID.ecdsaWithSha256));
  const tbs = seq(
    explicit(0, derInteger(Buffer.from([2]))),
    derInteger(serial),
    algorithm,
    name,
    seq(
      utcTime(new Date(now.getTime() - 30_000)),
      utcTime(new Date(now.getTime() + (opts.validForMs ?? 365 * 24 * 3600 * 1000))),
    ),
    name,
    spki,
    explicit(3, extensions),
  );
  const signature = sign("sha256", tbs, { key: privateKey, dsaEncoding: "der" });
  const certDer = seq(tbs, algorithm, bits(signature));
  const b64 = certDer.toString("base64").replace(/(.{64})/g, "$1\n");
  return {
    certDer,
    certPem: `-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  };
}
