/**
 * `GET /sso/spmetadata.jsp` (also under `/cpq`): the site's SAML service provider metadata.
 * Oracle documents the page ("To see your SAML metadata, enter ... /sso/spmetadata.jsp ... You
 * need this information to register Oracle CPQ as a service provider within an IDP", the SSO
 * help page) but prints no sample, so the document's shape here is this project's assumption,
 * built from the SSO settings:
 * - entity id: `samlIssuerUrl` ("Oracle CPQ Issuer URL") when set, else the site URL;
 * - one assertion consumer service, HTTP-POST, at `<site>/sso/saml_response.jsp` (assumed);
 * - single logout, HTTP-Redirect, at `<site>/sso/saml_logout.jsp` (assumed);
 * - `AuthnRequestsSigned` from `samlNeedRequestSigned`, and then a signing key: a fixed demo
 *   certificate, as the simulator cannot read a certificate out of the stored keystore text;
 * - the NameID format `requestedNameIdentifierFormat`, else transient (CPQ's documented default).
 * The page is public, as a browser opens it: no credentials are asked for.
 */
import type { Route } from "../http";
import type { Services } from "../services";

/** The certificate the simulator publishes as its SP signing key (a demo value, no key kept). */
export const SIMULATOR_SP_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIDZzCCAk+gAwIBAgIUe2NqUvhVX+vm4dAZYFgI0id3tOYwDQYJKoZIhvcNAQEL
BQAwQzElMCMGA1UEAwwcc3AuY3BxLXNpbXVsYXRvci5leGFtcGxlLmNvbTEaMBgG
A1UECgwRY3BxLXNzbyBzaW11bGF0b3IwHhcNMjYxMjAxMjIyMDUxWhcNMzYxMTI4
MjIyMDUxWjBDMSUwIwYDVQQDDBxzcC5jcHEtc2ltdWxhdG9yLmV4YW1wbGUuY29t
MRowGAYDVQQKDBFjcHEtc3NvIHNpbXVsYXRvcjCCASIwDQYJKoZIhvcNAQEBBQAD
ggEPADCCAQoCggEBAMhVZUHIfPZXqdh+Ja8WyE/irTxKH++eFqDU0YyY74LDcYOp
UWiFdsHeiMY5uFMDf1mzIHuu2eD5z8n/lwhEWxIJzpfCs/DRmZqfeDMUMKr+MY0+
dI+/h7+uuXnGhllkxzyhmFjemyuDViWT1mVi2AH9gi9FMMzSP2xO1SfPhwkGifJP
r5I039yXBq76MczsQi3PHr3M6+hKHxcIlXaz07hZaWddmNMPjgy8YuhyEQqYoz8r
02azeC/kYsYK1M7uuxit6021FRBbmohJxPfuEqKk8YsQcxSWd7G+zvTxF2HPx96c
wCahMDZ2ee9dvKT6h2cyvYkxNlxK4P5Yc0ZbxmsCAwEAAaNTMFEwHQYDVR0OBBYE
FONzwRhf0icmcaVovcBV7ZPl9mNeMB8GA1UdIwQYMBaAFONzwRhf0icmcaVovcBV
7ZPl9mNeMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAEaAWldB
4WI067HMzEvqDJ/RFyFWHuq2YOTffd/QFyjUS2TO0PscziKiS2UervJHSpSwai0U
uL2ryhWFHPm5KkM3XsgXBLPBZyMUL6UUPiBowuLIDmlK0jZTVAsPurLpLFO5GJWu
cHv1fOF3aejKUwraSew2ES+V0cWBGaf0qTjY8deqWK6sTlvk69vr5E2hNdmOiBKW
F9dYHkcVf3eMQvGnnM1gRnZZ1VW6kebOswa391KRnfoPUsafDzM4vomvPwCvJUNb
6QIyg70onp4+Ba4PIYKsDkd4oMtDDZCr89JichTBlo5tpMAz2FK6OWIZf8neiz3F
9mRC7byYht8b4dI=
-----END CERTIFICATE-----
`;

// The certificate's base64 body, as X509Certificate holds it: worked out once, not per request.
const SP_CERTIFICATE_BASE64 = SIMULATOR_SP_CERTIFICATE.split("\n")
  .filter((l) => l !== "" && !l.startsWith("-----"))
  .join("");

const TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";

function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** The metadata document for a site whose URL (origin and prefix) is `site`. */
export function spMetadataXml(sso: Readonly<Record<string, string>>, site: string): string {
  const entityId = sso.samlIssuerUrl?.trim() || site;
  const signed = sso.samlNeedRequestSigned === "true";
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${escapeXml(entityId)}">`,
    `  <md:SPSSODescriptor AuthnRequestsSigned="${signed}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    ...(signed
      ? [
          '    <md:KeyDescriptor use="signing">',
          '      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>',
          `        <ds:X509Certificate>${SP_CERTIFICATE_BASE64}</ds:X509Certificate>`,
          "      </ds:X509Data></ds:KeyInfo>",
          "    </md:KeyDescriptor>",
        ]
      : []),
    `    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escapeXml(site)}/sso/saml_logout.jsp"/>`,
    `    <md:NameIDFormat>${escapeXml(sso.requestedNameIdentifierFormat?.trim() || TRANSIENT)}</md:NameIDFormat>`,
    `    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${escapeXml(site)}/sso/saml_response.jsp" index="0" isDefault="true"/>`,
    "  </md:SPSSODescriptor>",
    "</md:EntityDescriptor>",
    "",
  ];
  return lines.join("\n");
}

/** The SP metadata route, relative to the site root (the server strips `/cpq` first). */
export function spMetadataRoutes(s: Services): Route[] {
  return [
    {
      pattern: /^\/sso\/spmetadata\.jsp$/,
      adminOnly: false,
      methods: {
        GET: (ctx) => ({
          status: 200,
          contentType: "text/xml; charset=UTF-8",
          text: spMetadataXml(s.state.value.sso, ctx.base),
        }),
      },
    },
  ];
}
