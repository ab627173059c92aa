/**
 * A site's users in memory, behind the slice of the CPQ client that `cpq_user_sso` and the user
 * directory call: for unit lifecycle tests that drive the resource without a server. A PATCH
 * changes the record it names, as CPQ would, so a plan after an apply sees the change.
 */
import type { UserWire } from "../../provider/client";
import type { LockoutSettings } from "../../provider/cpq/lockout";
import { UserDirectory } from "../../provider/cpq/user-directory";
import type { DirectoryClient } from "../../provider/cpq/user-directory";
import type { UserSsoContext } from "../../provider/resources/user-sso";

/** The users (by party number), and the resource's context over them. */
export function fakeUsersSite(
  users: readonly Record<string, unknown>[],
  lockout?: LockoutSettings,
): { readonly ctx: UserSsoContext; readonly records: Map<string, Record<string, unknown>> } {
  const records = new Map(users.map((u) => [String(u.partyNumber), { ...u }]));
  const client = {
    listAllUsers: () => Promise.resolve([...records.values()].map((u) => ({ ...u }))),
    getPartners: () => Promise.resolve([]),
    getUserIntegration: () => Promise.resolve(null),
    patchUser: (pn: string, body: Record<string, unknown>) => {
      const u = records.get(pn)!;
      if ("enabledForSso" in body) u.enabledForSso = body.enabledForSso;
      if ("externalSsoId" in body) u.externalSsoId = body.externalSsoId;
      return Promise.resolve({ ...u } as unknown as UserWire);
    },
  };
  const ctx: UserSsoContext = {
    client,
    directory: new UserDirectory(client as unknown as DirectoryClient),
    externalSsoIdField: "externalSsoId",
    ...(lockout ? { lockout } : {}),
  };
  return { ctx, records };
}
