/**
 * The simulator's state file holds its demo secrets in clear, so it is readable by its owner only
 * (0600), as test/unit/file-modes.test.ts checks for the other files the tools write. Here, in the
 * integration tier, because it starts the simulator.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../simulator";

const mode = (file: string): number => statSync(file).mode & 0o777;

describe("the simulator's state file", () => {
  let dir: string;
  const umask = process.umask(0o022);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cpq-sso-modes-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => process.umask(umask));

  it("is persisted as 0600 after a change", async () => {
    const stateFile = join(dir, "sim-state.json");
    const sim = await startSimulator({ port: 0, stateFile });
    try {
      const basic = sim.credentials.basic.find((c) => c.admin)!;
      const res = await fetch(`${sim.url}/rest/v19/ssoConfiguration`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString("base64")}`,
        },
        body: JSON.stringify({ samlIssuerUrl: "https://acme.example.com" }),
      });
      expect(res.status).toBe(200);
      expect(mode(stateFile)).toBe(0o600);
    } finally {
      await sim.close();
    }
  });
});
