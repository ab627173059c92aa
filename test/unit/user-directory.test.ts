import type { UserWire } from "../../provider/client";
import type { DirectoryClient } from "../../provider/cpq/user-directory";
import { UserDirectory } from "../../provider/cpq/user-directory";

function fakeClient(users: UserWire[]): DirectoryClient & { listings: number } {
  const client = {
    listings: 0,
    listAllUsers: () => {
      client.listings++;
      return Promise.resolve(users.map((u) => ({ ...u })));
    },
    getPartners: () => Promise.resolve([]),
    getUserIntegration: () => Promise.resolve(null),
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

describe("UserDirectory: how logins are read on a site", () => {
  const erp = {
    tab: "erp",
    login: "jdoe@erp.example.com",
    authType: "password",
    tokenPresent: false,
  };
  type Listing = (q: { expand?: string }) => Promise<UserWire[]>;
  function site(listing: Listing) {
    const calls = { listings: [] as (string | undefined)[], perUser: 0 };
    const client = {
      listAllUsers: (q: { expand?: string } = {}) => {
        calls.listings.push(q.expand);
        return listing(q);
      },
      getPartners: () => Promise.resolve([]),
      getUserIntegration: (_pn: string, tab: string) => {
        calls.perUser++;
        return Promise.resolve(tab === "erp" ? erp : null);
      },
    } as unknown as DirectoryClient;
    return { client, calls };
  }
  const plain = { partyNumber: "1001", login: "jdoe" } as UserWire;
  const withTabs = { ...plain, integrations: { items: [erp] } } as unknown as UserWire;
  const http400 = Object.assign(new Error("400 Invalid expand"), { status: 400 });

  it("batches where the site's answer carries every user's tabs", async () => {
    const { client, calls } = site(() => Promise.resolve([withTabs]));
    const dir = new UserDirectory(client);
    expect((await dir.login("1001", "erp")).integration).toEqual(erp);
    expect((await dir.login("1001", "crm")).integration).toBeNull();
    expect(await dir.batched()).toBe(true);
    expect(calls).toEqual({ listings: ["integrations"], perUser: 0 });
  });

  it("reads per user where the site ignores the unknown expand, instead of seeing every login deleted", async () => {
    const { client, calls } = site(() => Promise.resolve([plain]));
    const dir = new UserDirectory(client, { ttlMs: 0 });
    expect((await dir.login("1001", "erp")).integration).toEqual(erp);
    expect(await dir.batched()).toBe(false);
    // Decided once per process: the next listing does not ask for the tabs again.
    await new Promise((r) => setTimeout(r, 2));
    await dir.byPartyNumber("1001");
    expect(calls.listings).toEqual(["integrations", undefined]);
    expect(calls.perUser).toBe(1);
  });

  it("reads per user where the site refuses the unknown expand with a 400", async () => {
    const { client, calls } = site((q) =>
      q.expand ? Promise.reject(http400) : Promise.resolve([plain]),
    );
    const dir = new UserDirectory(client);
    expect((await dir.login("1001", "erp")).integration).toEqual(erp);
    expect(calls.listings).toEqual(["integrations", undefined]);
  });

  it("says once, at INFO and not as a failure, why it reads per user after the probe's 400", async () => {
    const { client } = site((q) => (q.expand ? Promise.reject(http400) : Promise.resolve([plain])));
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const dir = new UserDirectory(client, {
      ttlMs: 0,
      logger: { info: (message, fields) => lines.push({ message, ...(fields ? { fields } : {}) }) },
    });
    await dir.login("1001", "erp");
    await new Promise((r) => setTimeout(r, 2));
    await dir.byPartyNumber("1001");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toContain("expand=integrations");
    expect(lines[0]!.message).toContain("This site refuses it (400)");
    expect(lines[0]!.message).toContain("Nothing failed");
    expect(lines[0]!.message).toContain('login_reads = "per_user" skips the probe');
    expect(lines[0]!.fields).toEqual({ loginReads: "per_user" });
  });

  it("says once at INFO that it batches where the site's answer carries the tabs", async () => {
    const { client } = site(() => Promise.resolve([withTabs]));
    const lines: string[] = [];
    const dir = new UserDirectory(client, { ttlMs: 0, logger: { info: (m) => lines.push(m) } });
    await dir.login("1001", "erp");
    await new Promise((r) => setTimeout(r, 2));
    await dir.byPartyNumber("1001");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("This site answers with them");
  });

  it("takes an empty listing for no proof, and never asks per user for a user that does not exist", async () => {
    const { client, calls } = site(() => Promise.resolve([]));
    const dir = new UserDirectory(client);
    expect(await dir.login("1001", "erp")).toEqual({ user: undefined, integration: null });
    expect(await dir.batched()).toBe(false);
    expect(calls.perUser).toBe(0);
  });

  it("with login_reads = per_user never sends the assumed expand", async () => {
    const { client, calls } = site(() => Promise.resolve([withTabs]));
    const dir = new UserDirectory(client, { loginReads: "per_user" });
    await dir.login("1001", "erp");
    expect(calls).toEqual({ listings: [undefined], perUser: 1 });
  });

  it("with login_reads = batched fails, naming the setting, where the site does not batch", async () => {
    const { client } = site(() => Promise.resolve([plain]));
    const dir = new UserDirectory(client, { loginReads: "batched" });
    await expect(dir.login("1001", "erp")).rejects.toThrow(/login_reads = "auto" or "per_user"/);
  });

  it("shows a user record this process wrote to later reads of the same listing", async () => {
    const { client } = site(() => Promise.resolve([withTabs]));
    const dir = new UserDirectory(client);
    await dir.byPartyNumber("1001");
    dir.recordUser({ ...plain, externalSsoId: "E1" } as unknown as UserWire);
    const u = (await dir.byPartyNumber("1001")) as unknown as Record<string, unknown>;
    expect(u.externalSsoId).toBe("E1");
    expect((await dir.login("1001", "erp")).integration).toEqual(erp);
  });
});
