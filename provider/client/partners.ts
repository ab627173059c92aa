/**
 * The partners a site is integrated with, as the User Integration page's tabs: read from
 * Oracle's documented `GET /rest/v19/integrationVendors` (the Integration Center's OAuth and CRM
 * integrations), or, as a configurable fallback, from this project's first, invented
 * `GET /rest/v19/integrations`.
 *
 * Oracle documents the vendor records (`integrationType`, `vendorName`, `properties` of
 * name/value strings) but not how a vendor maps to a tab of the User Integration page, nor which
 * property says OAuth or the integration's direction. The mapping below is this project's
 * assumption, and docs/cpq-api.md lists it as such:
 * - the tab is the property `tab` when present; else `idp` for an `oAuthProvider` integration;
 *   else the `integrationType` in lower case;
 * - OAuth is the property `oAuthEnabled` (`"true"`/`"false"`) when present; else whether the
 *   integration is an `oAuthProvider`;
 * - inbound and outbound integration are the properties `inbound` and `outbound` (`"true"`).
 */
import type { IntegrationPartnerWire, IntegrationVendorWire } from "./wire";

/** Where a client reads the site's partners from. */
export type PartnersSource = "integrationVendors" | "integrations";

/** The integration type Oracle documents for the OAuth provider (`cpq_oauth_provider`). */
export const OAUTH_PROVIDER_TYPE = "oAuthProvider";

/** One vendor property as a string, or undefined when the vendor has none by that name. */
export function vendorProperty(v: IntegrationVendorWire, name: string): string | undefined {
  const p = v.properties?.items.find((i) => i.name === name);
  if (p === undefined || p.value === undefined || p.value === null) return undefined;
  return String(p.value);
}

const isTrue = (s: string | undefined): boolean => s?.trim().toLowerCase() === "true";

/** The partner behind one integration vendor record (see the module comment for the rules). */
export function partnerOfVendor(v: IntegrationVendorWire): IntegrationPartnerWire {
  const oauthProvider = v.integrationType === OAUTH_PROVIDER_TYPE;
  const tab = vendorProperty(v, "tab") || (oauthProvider ? "idp" : v.integrationType.toLowerCase());
  const oauth = vendorProperty(v, "oAuthEnabled");
  return {
    tab,
    partner: v.vendorName || v.integrationType,
    oauthEnabled: oauth === undefined ? oauthProvider : isTrue(oauth),
    inbound: isTrue(vendorProperty(v, "inbound")),
    outbound: isTrue(vendorProperty(v, "outbound")),
  };
}

/** The partners of a vendor list, one per tab (the first vendor of a tab wins). */
export function partnersOfVendors(
  vendors: readonly IntegrationVendorWire[],
): IntegrationPartnerWire[] {
  const byTab = new Map<string, IntegrationPartnerWire>();
  for (const v of vendors) {
    const p = partnerOfVendor(v);
    if (!byTab.has(p.tab)) byTab.set(p.tab, p);
  }
  return [...byTab.values()];
}
