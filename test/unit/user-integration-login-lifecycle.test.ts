/**
 * `cpq_user_integration_login` plan against a fake site: a planned create of a login CPQ already
 * has is said at plan, whether the site batches its login reads or not.
 */
import { emptyObject } from "../../provider/contract/attributes";
import { UserDirectory } from "../../provider/cpq/user-directory";
import type { DirectoryClient } from "../../provider/cpq/user-directory";
import {
  USER_INTEGRATION_LOGIN_ATTRIBUTES,
  userIntegrationLoginResource,
} from "../../provider/resources/user-integration-login";
import type { UserIntegrationContext } from "../../provider/resources/user-integration-login";
import type { ObjectValue, Value } from "../../provider/contract/types";

const IDP = { tab: "idp", partner: "IDCS", oauthEnabled: true, inbound: false, outbound: false };

function site(batched: boolean): UserIntegrationContext {
  const saved = { tab: "idp", login: "jdoe@idcs", authType: "oauth", tokenPresent: false };
  const user = {
    partyNumber: "1001",
    login: "jdoe",
    ...(batched ? { integrations: { items: [saved] } } : {}),
  };
  const client = {
    listAllUsers: () => Promise.resolve([user]),
    getPartners: () => Promise.resolve([IDP]),
    getUserIntegration: () => Promise.resolve(saved),
  } as unknown as DirectoryClient;
  return { client: {} as never, directory: new UserDirectory(client) };
}

const config = (v: Record<string, Value>): ObjectValue => ({
  ...emptyObject(USER_INTEGRATION_LOGIN_ATTRIBUTES),
  ...v,
});

describe("cpq_user_integration_login plan", () => {
  const cfg = config({ party_number: "1001", tab: "idp", login: "jdoe@idcs" });
  const plan = (ctx: UserIntegrationContext) =>
    userIntegrationLoginResource.plan({
      ctx,
      prior: null,
      proposed: cfg,
      config: cfg,
      priorPrivate: {},
    });

  it("says at plan that CPQ already has the login a create would save, where the listing holds it", async () => {
    const r = await plan(site(true));
    expect((r.diagnostics ?? []).map((d) => d.summary)).toEqual([
      'CPQ already has a login on tab "idp" for user 1001',
    ]);
    expect(r.diagnostics?.[0]?.detail).toContain("terraform import <address> 1001/idp");
  });

  it("says it where logins are read one at a time too, at the cost of one read of the login", async () => {
    const r = await plan(site(false));
    expect((r.diagnostics ?? []).map((d) => d.summary)).toEqual([
      'CPQ already has a login on tab "idp" for user 1001',
    ]);
    expect(r.planned.replaced_live_values).toEqual({});
  });
});
