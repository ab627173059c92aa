/**
 * What the two login resources (`cpq_user_integration_login`, and a whole tab as
 * `cpq_user_integration_logins`) share beyond the user directory: the error for a tab the site
 * does not have, how a login is removed, and CPQ's messages as sentences.
 */
import type { CpqClient } from "../client";
import { attributeError } from "../contract/attributes";
import type { Diagnostic } from "../contract/types";
import type { UserDirectory } from "./user-directory";

/** Text ending in one full stop, whether or not CPQ's message brought its own. */
export function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * The error for a tab the site does not have: it has no User Integration page at all, or the tab
 * is not one of `tabs`.
 */
export function missingTabError(tab: string, tabs: readonly string[]): Diagnostic {
  if (tabs.length === 0) {
    return attributeError(
      "tab",
      "This CPQ site has no User Integration page",
      "The page exists only when the site is integrated with at least one partner (Admin > Integration Center). Set up the integration first, or remove this resource.",
    );
  }
  return attributeError(
    "tab",
    `The site has no partner tab "${tab}"`,
    `Use one of the site's User Integration tabs: ${tabs.map((t) => `"${t}"`).join(", ")}.`,
  );
}

/**
 * Removes one user's login from a tab. On an OAuth tab its token is asked for fresh (a token
 * granted since the refresh is revoked too) and revoked first.
 */
export async function removeLogin(
  ctx: {
    readonly client: Pick<
      CpqClient,
      "getUserIntegration" | "revokeUserIntegrationToken" | "deleteUserIntegration"
    >;
    readonly directory: UserDirectory;
  },
  pn: string,
  tab: string,
  oauth: boolean,
): Promise<void> {
  if (oauth) {
    const current = await ctx.client.getUserIntegration(pn, tab);
    if (current?.tokenPresent) await ctx.client.revokeUserIntegrationToken(pn, tab);
  }
  await ctx.client.deleteUserIntegration(pn, tab);
  ctx.directory.recordIntegration(pn, tab, undefined);
}
