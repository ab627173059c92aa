import type { UserWire } from "../../provider/client";
import type { DirectoryClient } from "../../provider/resources/user-directory";
import { UserDirectory } from "../../provider/resources/user-directory";

function fakeClient(users: UserWire[]): DirectoryClient & { listings: number } {
  const client = {
    listings: 0,
    listAllUsers: () => {
      client.listings++;
      return Promise.resolve(users.map((u) => ({ ...u })));
    },
    getIntegrations: () => Promise.resolve({ items: [] }),
  };
  return client as unknown as DirectoryClient & { listings: number };
}

const jdoe = {
  partyNumber: "1001",
  login: "jdoe",
  integrations: {
    items: [
      { tab: "erp", login: "old@erp.example.com", authType: "password", tokenPresent: false },
    ],
  },
} as unknown as UserWire;

describe("UserDirectory", () => {
  it("shows a recorded write to later reads without listing the users again", async () => {
    const client = fakeClient([jdoe]);
    const dir = new UserDirectory(client);
    await dir.byPartyNumber("1001");
    dir.recordIntegration("1001", "idp", {
      tab: "idp",
      login: "jdoe@idcs.example.com",
      authType: "oauth",
      tokenPresent: false,
    });
    dir.recordIntegration("1001", "erp", undefined);
    const user = await dir.byPartyNumber("1001");
    expect(user?.integrations?.items).toEqual([
      { tab: "idp", login: "jdoe@idcs.example.com", authType: "oauth", tokenPresent: false },
    ]);
    expect((await dir.byLogin("JDOE"))[0]).toBe(user);
    expect(client.listings).toBe(1);
  });

  it("records nothing before the first listing, and lists when a read needs it", async () => {
    const client = fakeClient([jdoe]);
    const dir = new UserDirectory(client);
    dir.recordIntegration("1001", "erp", undefined);
    expect(client.listings).toBe(0);
    expect((await dir.byPartyNumber("1001"))?.integrations?.items).toHaveLength(1);
    expect(client.listings).toBe(1);
  });
});
