/**
 * SAML 2.0 metadata, both halves: an identity provider's (its `IDPSSODescriptor`, whose URLs and
 * signing certificate CPQ's SSO settings take) and a service provider's (CPQ's own, from
 * `/sso/spmetadata.jsp`, whose entity id and assertion consumer service an IdP's application
 * takes). Only what those settings need is read; nothing found inside metadata is ever fetched.
 */
import { DAY_MS, parseCertificate, pemOf } from "./certificate";
import type { CertificateFacts } from "./certificate";
import { MetadataError, childrenNamed, descendantsNamed, excerpt, parseXml } from "./xml";
import type { XmlElement } from "./xml";

export { MAX_METADATA_BYTES, MetadataError } from "./xml";
export type { MetadataErrorCode } from "./xml";

/** The SAML 2.0 metadata namespace. */
const MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata";
/** XML Signature's namespace, where `KeyInfo` and `X509Certificate` live. */
const DS_NS = "http://www.w3.org/2000/09/xmldsig#";
/** The SAML 2.0 protocol, as `protocolSupportEnumeration` names it. */
const SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";

/** SAML 2.0 binding URIs by their short names. */
const BINDINGS = {
  "HTTP-Redirect": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
  "HTTP-POST": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
  "HTTP-Artifact": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact",
  SOAP: "urn:oasis:names:tc:SAML:2.0:bindings:SOAP",
} as const;

/** An endpoint of a descriptor: its binding (the URI) and location. */
export interface Endpoint {
  readonly binding: string;
  readonly location: string;
  /** `ResponseLocation`, where logout responses go when it differs from `location`. */
  readonly responseLocation?: string;
}

/** A signing certificate as PEM, with what it says. */
export interface SigningCertificate extends CertificateFacts {
  readonly pem: string;
}

/** What an identity provider's metadata gives CPQ's SSO settings. */
export interface IdpMetadata {
  readonly entityId: string;
  /** `saml_idp_url`: the HTTP-Redirect `SingleSignOnService`, else the HTTP-POST one. */
  readonly ssoUrl: string;
  /** The binding of {@link ssoUrl}, short: `HTTP-Redirect` or `HTTP-POST`. */
  readonly ssoBinding: "HTTP-Redirect" | "HTTP-POST";
  readonly singleSignOnServices: readonly Endpoint[];
  /** The HTTP-Redirect `SingleLogoutService`, else the HTTP-POST one; undefined without one. */
  readonly singleLogout?: Endpoint;
  readonly singleLogoutServices: readonly Endpoint[];
  /**
   * The signing certificates in document order (a `KeyDescriptor` with `use="signing"` or no
   * `use`). Two or more are a rollover in progress or keys made together (see
   * {@link signingCertificatesKind}); CPQ holds one, the first unless the user chooses.
   */
  readonly signingCertificates: readonly SigningCertificate[];
  readonly nameIdFormats: readonly string[];
  /** `WantAuthnRequestsSigned`: the IdP asks for signed requests (`saml_need_request_signed`). */
  readonly wantAuthnRequestsSigned: boolean;
}

/** One assertion consumer service of a service provider. */
export interface AssertionConsumerService extends Endpoint {
  readonly index: number | null;
  readonly isDefault: boolean;
}

/** What a service provider's metadata (CPQ's) gives an IdP's application. */
export interface SpMetadata {
  readonly entityId: string;
  /** In document order. */
  readonly assertionConsumerServices: readonly AssertionConsumerService[];
  /** The default ACS: `isDefault="true"`, else the lowest `index`, else the first (SAML 2.0 metadata, 2.4.4). */
  readonly defaultAssertionConsumerService: AssertionConsumerService;
  readonly singleLogout?: Endpoint;
  readonly singleLogoutServices: readonly Endpoint[];
  /** The first signing certificate; undefined when CPQ publishes none (requests not signed). */
  readonly signingCertificate?: SigningCertificate;
  readonly nameIdFormats: readonly string[];
  readonly authnRequestsSigned: boolean;
  readonly wantAssertionsSigned: boolean;
}

const IDP_WHAT = "the identity provider metadata";
const SP_WHAT = "the service provider metadata";

/** Reads an identity provider's SAML 2.0 metadata. Throws {@link MetadataError}. */
export function parseIdpMetadata(xml: string): IdpMetadata {
  const root = parseXml(xml, IDP_WHAT);
  const entity = entityWith(root, "IDPSSODescriptor", IDP_WHAT);
  const entityId = requiredAttribute(entity, "entityID", "md:EntityDescriptor", IDP_WHAT);
  const idp = descriptor(entity, "IDPSSODescriptor", IDP_WHAT);
  const sso = endpoints(idp, "SingleSignOnService", IDP_WHAT);
  const redirect = sso.find((e) => e.binding === BINDINGS["HTTP-Redirect"]);
  const post = sso.find((e) => e.binding === BINDINGS["HTTP-POST"]);
  const chosen = redirect ?? post;
  if (!chosen) {
    throw new MetadataError(
      "missing",
      `${IDP_WHAT} has no md:SingleSignOnService with the HTTP-Redirect or HTTP-POST binding ` +
        `(it has ${sso.length === 0 ? "none" : excerpt(sso.map((e) => shortBinding(e.binding)).join(", "))}); ` +
        "CPQ sends its requests by browser redirect or post. Download the metadata again from the " +
        "identity provider's SAML application",
    );
  }
  const slo = endpoints(idp, "SingleLogoutService", IDP_WHAT);
  const signing = signingCertificates(idp, IDP_WHAT);
  if (signing.length === 0) {
    throw new MetadataError(
      "missing",
      `${IDP_WHAT} has no signing certificate: no md:KeyDescriptor (use="signing" or no use) ` +
        "with a ds:X509Certificate in its md:IDPSSODescriptor. CPQ needs the certificate that " +
        "signs the assertions; download the metadata of the SAML application again",
    );
  }
  const logout = preferredLogout(slo);
  return {
    entityId,
    ssoUrl: chosen.location,
    ssoBinding: chosen === redirect ? "HTTP-Redirect" : "HTTP-POST",
    singleSignOnServices: sso,
    ...(logout ? { singleLogout: logout } : {}),
    singleLogoutServices: slo,
    signingCertificates: signing,
    nameIdFormats: nameIdFormats(idp),
    wantAuthnRequestsSigned: booleanAttribute(idp, "WantAuthnRequestsSigned"),
  };
}

/** Reads a service provider's SAML 2.0 metadata (CPQ's). Throws {@link MetadataError}. */
export function parseSpMetadata(xml: string): SpMetadata {
  const root = parseXml(xml, SP_WHAT);
  const entity = entityWith(root, "SPSSODescriptor", SP_WHAT);
  const entityId = requiredAttribute(entity, "entityID", "md:EntityDescriptor", SP_WHAT);
  const sp = descriptor(entity, "SPSSODescriptor", SP_WHAT);
  const acs: AssertionConsumerService[] = childrenNamed(sp, MD_NS, "AssertionConsumerService").map(
    (el) => {
      const e = endpoint(el, SP_WHAT);
      const index = el.attributes.get("index");
      return {
        ...e,
        index: index !== undefined && /^\d+$/.test(index.trim()) ? Number(index.trim()) : null,
        isDefault: booleanAttribute(el, "isDefault"),
      };
    },
  );
  const first = acs[0];
  if (!first) {
    throw new MetadataError(
      "missing",
      `${SP_WHAT} has no md:AssertionConsumerService in its md:SPSSODescriptor: an identity ` +
        "provider needs to know where to send assertions. Check the service provider metadata " +
        "path (sp_metadata_path) of the provider configuration",
    );
  }
  const indexed = acs.filter((a) => a.index !== null).sort((a, b) => a.index! - b.index!);
  const defaultAcs = acs.find((a) => a.isDefault) ?? indexed[0] ?? first;
  const slo = endpoints(sp, "SingleLogoutService", SP_WHAT);
  const signing = signingCertificates(sp, SP_WHAT)[0];
  const logout = preferredLogout(slo);
  return {
    entityId,
    assertionConsumerServices: acs,
    defaultAssertionConsumerService: defaultAcs,
    ...(logout ? { singleLogout: logout } : {}),
    singleLogoutServices: slo,
    ...(signing ? { signingCertificate: signing } : {}),
    nameIdFormats: nameIdFormats(sp),
    authnRequestsSigned: booleanAttribute(sp, "AuthnRequestsSigned"),
    wantAssertionsSigned: booleanAttribute(sp, "WantAssertionsSigned"),
  };
}

/**
 * Where a logout service sends its responses: its `ResponseLocation`, else its location (SAML 2.0
 * metadata, 2.2.2).
 */
export function logoutResponseUrl(service: Endpoint): string {
  return service.responseLocation ?? service.location;
}

/** The short name of a binding URI (`HTTP-POST`), or the URI itself when it is not SAML's. */
export function shortBinding(uri: string): string {
  for (const [short, full] of Object.entries(BINDINGS)) if (full === uri) return short;
  return uri;
}

/**
 * The `EntityDescriptor` holding a descriptor of the given kind: the root, or the one entity of
 * an `EntitiesDescriptor` that has such a descriptor.
 */
function entityWith(root: XmlElement, kind: string, what: string): XmlElement {
  if (root.uri === MD_NS && root.local === "EntityDescriptor") return root;
  if (root.uri === MD_NS && root.local === "EntitiesDescriptor") {
    const withKind = descendantsNamed(root, MD_NS, "EntityDescriptor").filter(
      (e) => childrenNamed(e, MD_NS, kind).length > 0,
    );
    const only = withKind[0];
    if (only && withKind.length === 1) return only;
    throw new MetadataError(
      withKind.length === 0 ? "missing" : "invalid",
      withKind.length === 0
        ? `${what} is an md:EntitiesDescriptor with no md:EntityDescriptor holding an md:${kind}`
        : `${what} is an md:EntitiesDescriptor with ${withKind.length} entities holding an md:${kind}; ` +
            "give the metadata of the one entity (its md:EntityDescriptor)",
    );
  }
  const name = excerpt(root.uri ? `{${root.uri}}${root.local}` : root.local);
  throw new MetadataError(
    "not_saml",
    `${what} is not SAML 2.0 metadata: its root element is <${name}> (line ${root.line}), not ` +
      `md:EntityDescriptor in the namespace ${MD_NS}. Give the metadata XML document itself, ` +
      "not a web page or another format",
  );
}

function descriptor(entity: XmlElement, kind: string, what: string): XmlElement {
  const all = childrenNamed(entity, MD_NS, kind);
  // Prefer the descriptor for SAML 2.0, as an entity may also describe SAML 1.1 or WS-Federation.
  const saml2 = all.find((d) =>
    (d.attributes.get("protocolSupportEnumeration") ?? "").split(/\s+/).includes(SAML2_PROTOCOL),
  );
  const found = saml2 ?? all[0];
  if (!found) {
    const kinds = [...new Set(entity.children.filter((c) => c.uri === MD_NS).map((c) => c.local))];
    throw new MetadataError(
      "missing",
      `${what} has no md:${kind} in its md:EntityDescriptor` +
        (kinds.length ? ` (it has ${excerpt(kinds.map((k) => `md:${k}`).join(", "))})` : "") +
        (kind === "IDPSSODescriptor"
          ? "; it does not describe an identity provider. Give the IdP's metadata, not a service provider's"
          : "; it does not describe a service provider"),
    );
  }
  return found;
}

function requiredAttribute(el: XmlElement, name: string, element: string, what: string): string {
  const v = el.attributes.get(name)?.trim();
  if (!v) {
    throw new MetadataError(
      "missing",
      `${what} has no ${name} on its ${element} (line ${el.line}); SAML metadata names its entity there`,
    );
  }
  return v;
}

function endpoint(el: XmlElement, what: string): Endpoint {
  const binding = requiredAttribute(el, "Binding", `md:${el.local}`, what);
  const location = requiredAttribute(el, "Location", `md:${el.local}`, what);
  const response = el.attributes.get("ResponseLocation")?.trim();
  return { binding, location, ...(response ? { responseLocation: response } : {}) };
}

function endpoints(parent: XmlElement, local: string, what: string): Endpoint[] {
  return childrenNamed(parent, MD_NS, local).map((el) => endpoint(el, what));
}

function preferredLogout(slo: readonly Endpoint[]): Endpoint | undefined {
  return (
    slo.find((e) => e.binding === BINDINGS["HTTP-Redirect"]) ??
    slo.find((e) => e.binding === BINDINGS["HTTP-POST"])
  );
}

function booleanAttribute(el: XmlElement, name: string): boolean {
  const v = el.attributes.get(name)?.trim();
  return v === "true" || v === "1";
}

function nameIdFormats(d: XmlElement): string[] {
  return childrenNamed(d, MD_NS, "NameIDFormat")
    .map((e) => e.text.trim())
    .filter((t) => t !== "");
}

/**
 * The signing certificates of a descriptor, in document order: each `ds:X509Certificate` of a
 * `KeyDescriptor` whose `use` is `signing` or absent (absent means both uses). Only the
 * descriptor's own key descriptors count: a `ds:Signature` over the whole document carries a
 * certificate too, and it is not the one that signs assertions.
 */
function signingCertificates(d: XmlElement, what: string): SigningCertificate[] {
  const out: SigningCertificate[] = [];
  const seen = new Set<string>();
  for (const kd of childrenNamed(d, MD_NS, "KeyDescriptor")) {
    const use = kd.attributes.get("use")?.trim();
    if (use !== undefined && use !== "signing") continue;
    for (const cert of descendantsNamed(kd, DS_NS, "X509Certificate")) {
      const base64 = cert.text.replace(/\s+/g, "");
      const pem = pemOf(base64);
      const facts = base64 === "" ? undefined : parseCertificate(pem);
      if (!facts) {
        throw new MetadataError(
          "invalid",
          `${what} has a ds:X509Certificate (line ${cert.line}) that is not a base64 DER X.509 ` +
            "certificate; download the metadata again from the identity provider",
        );
      }
      // The same key listed twice (some IdPs repeat it) is one certificate.
      if (seen.has(facts.sha256Fingerprint)) continue;
      seen.add(facts.sha256Fingerprint);
      out.push({ pem, ...facts });
    }
  }
  return out;
}

/**
 * What the signing certificates of one IdP are:
 * - `single`: one certificate;
 * - `rollover`: a key rollover in progress, the old key and its successor, whose validity ends
 *   apart (a successor is made when the old key nears its end, months later);
 * - `several_keys`: keys made together, whose validity ends together: an IdP that signs with more
 *   than one permanent key. A Shibboleth IdP makes its back-channel and front-channel keys at
 *   install and lists both (back-channel first).
 */
export type SigningCertificatesKind = "single" | "rollover" | "several_keys";

/**
 * How close the ends of keys made together are: Shibboleth's two are made by one install, seconds
 * apart; a week leaves room for keys made by hand on the same day, and none for a rollover.
 */
const MADE_TOGETHER_MS = 7 * DAY_MS;

/** Tells a rollover from keys made together, by when their validity ends (no clock read). */
export function signingCertificatesKind(
  certs: readonly Pick<SigningCertificate, "notAfter">[],
): SigningCertificatesKind {
  if (certs.length < 2) return "single";
  const ends = certs.map((c) => Date.parse(c.notAfter));
  return Math.max(...ends) - Math.min(...ends) <= MADE_TOGETHER_MS ? "several_keys" : "rollover";
}

/**
 * A SHA-256 fingerprint as {@link SigningCertificate.sha256Fingerprint} writes it (upper-case hex
 * pairs joined by colons), from what a user typed or pasted (any case, with or without colons or
 * spaces, as `openssl x509 -fingerprint -sha256` prints it after its `sha256 Fingerprint=`);
 * undefined when it is not 32 bytes of hex.
 */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text
    .trim()
    .replace(/^sha-?256\s*fingerprint\s*=\s*/i, "")
    .replace(/[\s:]/g, "")
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(":");
}

/**
 * The signing certificate with the given SHA-256 fingerprint, or the message (for the
 * fingerprint argument) that says why there is none and which there are.
 */
export function signingCertificateByFingerprint(
  certs: readonly SigningCertificate[],
  fingerprint: string,
): { readonly certificate: SigningCertificate } | { readonly error: string } {
  const wanted = normalizeFingerprint(fingerprint);
  const held = certs.map((c) => `${c.sha256Fingerprint} (${c.subject}, valid until ${c.notAfter})`);
  if (wanted === undefined) {
    return {
      error:
        "it is not a SHA-256 fingerprint (32 bytes of hex, colons allowed); copy one of the " +
        `metadata's signing_certificate_fingerprints: ${held.join("; ")}`,
    };
  }
  const found = certs.find((c) => c.sha256Fingerprint === wanted);
  if (found) return { certificate: found };
  return {
    error:
      `the identity provider metadata holds no signing certificate with the SHA-256 fingerprint ` +
      `${wanted}: the identity provider no longer publishes that key, or the fingerprint is ` +
      `mistyped. It holds ${held.join("; ")}. Choose one of these; a change of ` +
      "id_provider_certificate needs a CPQ restart",
  };
}

/**
 * The note a plan shows when the metadata holds several signing certificates: what they are (a
 * rollover or keys made together), which one CPQ will hold and how to choose another
 * (`howToChoose`, in the words of HCL or of the constructs). Empty with one certificate.
 */
export function signingCertificatesNote(
  certs: readonly SigningCertificate[],
  howToChoose = "choose it by its SHA-256 fingerprint with " +
    'provider::cpq::idp_metadata_with_certificate(xml, "<fingerprint>"), which the check block accepts',
): string {
  const [held, ...others] = certs;
  if (!held || others.length === 0) return "";
  const describe = (c: SigningCertificate) =>
    `${c.subject} (SHA-256 ${c.sha256Fingerprint}, valid until ${c.notAfter})`;
  const holding =
    `CPQ holds one: id_provider_certificate is the first, ${describe(held)}. ` +
    `The other${others.length > 1 ? "s are" : " is"} ${others.map(describe).join("; ")}.`;
  if (signingCertificatesKind(certs) === "rollover") {
    return (
      `The identity provider metadata holds ${certs.length} signing certificates (a rollover in ` +
      `progress), valid until different dates; ${holding} Once the identity provider signs ` +
      `with the new one, ${howToChoose}; changing it needs a CPQ restart.`
    );
  }
  return (
    `The identity provider metadata holds ${certs.length} signing certificates made together ` +
    "(valid until the same time): not a rollover, but an identity provider that signs with more " +
    "than one key. A Shibboleth IdP lists its back-channel key first and its front-channel key " +
    "second; CPQ needs the front-channel one, which signs the responses the browser posts to " +
    `CPQ. ${holding} To hold the key that signs the browser SSO responses, ${howToChoose}; ` +
    "changing it needs a CPQ restart."
  );
}
