/**
 * `cpq_service_provider_metadata` data source: CPQ's half of a SAML setup. It reads the site's
 * service provider metadata (`/sso/spmetadata.jsp`, the page Oracle's SSO help says an IdP needs
 * to register CPQ) and exposes what an IdP's application takes: the entity id, the assertion
 * consumer service URL(s), the single-logout URL and CPQ's signing certificate, and the XML
 * itself for an IdP that imports metadata whole. Nothing the document names is fetched.
 */
import { certificateWarnings } from "../cpq/certificate";
import type { Attribute, DataSourceDefinition, Diagnostic, ObjectValue } from "../contract/types";
import type { CpqClient } from "../client";
import {
  MAX_METADATA_BYTES,
  MetadataError,
  logoutResponseUrl,
  parseSpMetadata,
  shortBinding,
} from "../saml/metadata";

/** What the provider hands this data source. */
export interface SpMetadataContext {
  readonly client: Pick<CpqClient, "getSpMetadata">;
}

const ACS_ROW = {
  binding: "string",
  location: "string",
  index: "number",
  is_default: "bool",
} as const;

/** The attribute table of `cpq_service_provider_metadata`. */
export const SP_METADATA_ATTRIBUTES: readonly Attribute[] = [
  {
    name: "id",
    type: "string",
    kind: "computed",
    description: "The entity id (as `entity_id`).",
  },
  {
    name: "entity_id",
    type: "string",
    kind: "computed",
    description:
      "CPQ's SAML entity id (`entityID`): the IdP application's audience / SP entity ID / identifier.",
  },
  {
    name: "assertion_consumer_service_url",
    type: "string",
    kind: "computed",
    description:
      "The default assertion consumer service's location (`isDefault`, else the lowest `index`, else the first): the IdP application's single sign-on URL / reply URL / ACS URL.",
  },
  {
    name: "assertion_consumer_service_binding",
    type: "string",
    kind: "computed",
    description:
      "The default assertion consumer service's binding, short (`HTTP-POST`, `HTTP-Redirect`, `HTTP-Artifact`, or the URI of another).",
  },
  {
    name: "assertion_consumer_services",
    type: { list: { object: ACS_ROW } },
    kind: "computed",
    description:
      "Every assertion consumer service, in document order: `binding` (short, as above), `location`, `index` (null without one), `is_default`.",
  },
  {
    name: "single_logout_url",
    type: "string",
    kind: "computed",
    description:
      "CPQ's HTTP-Redirect single logout service, else its HTTP-POST one; null when the metadata has neither.",
  },
  {
    name: "single_logout_response_url",
    type: "string",
    kind: "computed",
    description:
      "That service's `ResponseLocation`, else its location; null without a logout service.",
  },
  {
    name: "name_id_format",
    type: "string",
    kind: "computed",
    description: "The first NameID format CPQ asks for; null when the metadata names none.",
  },
  {
    name: "authn_requests_signed",
    type: "bool",
    kind: "computed",
    description:
      "Whether CPQ signs its authentication requests (`AuthnRequestsSigned`); then the IdP needs `signing_certificate`.",
  },
  {
    name: "want_assertions_signed",
    type: "bool",
    kind: "computed",
    description: "Whether CPQ asks for signed assertions (`WantAssertionsSigned`).",
  },
  {
    name: "signing_certificate",
    type: "string",
    kind: "computed",
    description:
      "CPQ's request-signing certificate, PEM (the first signing `KeyDescriptor`); null when the metadata publishes none.",
  },
  {
    name: "certificate_sha256_fingerprint",
    type: "string",
    kind: "computed",
    description: "The SHA-256 fingerprint of `signing_certificate`, colon-separated hex.",
  },
  {
    name: "certificate_not_after",
    type: "string",
    kind: "computed",
    description: "When `signing_certificate` expires, RFC 3339 in UTC.",
  },
  {
    name: "certificate_subject",
    type: "string",
    kind: "computed",
    description: "The subject of `signing_certificate` (`CN=..., O=...`).",
  },
  {
    name: "metadata_xml",
    type: "string",
    kind: "computed",
    description:
      "The metadata document as CPQ served it, for an identity provider that imports a service provider's metadata file.",
  },
];

async function read(
  ctx: SpMetadataContext,
  config: ObjectValue,
): Promise<{ state: ObjectValue | null; diagnostics: Diagnostic[] }> {
  const xml = await ctx.client.getSpMetadata({ maxBytes: MAX_METADATA_BYTES });
  let m;
  try {
    m = parseSpMetadata(xml);
  } catch (err) {
    if (!(err instanceof MetadataError)) throw err;
    return {
      state: null,
      diagnostics: [
        {
          severity: "error",
          summary: "CPQ's service provider metadata could not be read",
          detail:
            `The page at the provider's sp_metadata_path answered, but ${err.message}. If this ` +
            "site serves its SAML metadata elsewhere, set sp_metadata_path in the provider " +
            'configuration (default "{prefix}/sso/spmetadata.jsp").',
        },
      ],
    };
  }
  const acs = m.defaultAssertionConsumerService;
  const cert = m.signingCertificate;
  return {
    state: {
      ...config,
      id: m.entityId,
      entity_id: m.entityId,
      assertion_consumer_service_url: acs.location,
      assertion_consumer_service_binding: shortBinding(acs.binding),
      assertion_consumer_services: m.assertionConsumerServices.map((a) => ({
        binding: shortBinding(a.binding),
        location: a.location,
        index: a.index,
        is_default: a.isDefault,
      })),
      single_logout_url: m.singleLogout?.location ?? null,
      single_logout_response_url: m.singleLogout ? logoutResponseUrl(m.singleLogout) : null,
      name_id_format: m.nameIdFormats[0] ?? null,
      authn_requests_signed: m.authnRequestsSigned,
      want_assertions_signed: m.wantAssertionsSigned,
      signing_certificate: cert?.pem ?? null,
      certificate_sha256_fingerprint: cert?.sha256Fingerprint ?? null,
      certificate_not_after: cert?.notAfter ?? null,
      certificate_subject: cert?.subject ?? null,
      metadata_xml: xml,
    },
    // An expiring SP certificate breaks signed requests as surely as an IdP's breaks logins.
    diagnostics: cert ? certificateWarnings(cert.pem, "signing_certificate") : [],
  };
}

/** The data source definition served by the provider. */
export const spMetadataDataSource = {
  typeName: "cpq_service_provider_metadata",
  description:
    "CPQ's SAML service provider metadata (`/sso/spmetadata.jsp`): the entity id, assertion consumer service and logout URLs and signing certificate an identity provider's application takes, and the XML itself.",
  attributes: SP_METADATA_ATTRIBUTES,
  read,
} satisfies DataSourceDefinition<SpMetadataContext>;
