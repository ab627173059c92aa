/**
 * `cpq-sso exec` trusts only a socket directory no other user can swap, hands the command only
 * what it needs, and its provider keeps its memory out of core dumps (issue 24, deliver 3). Runs
 * the built CLI bundle; needs no terraform.
 */
import { chmodSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandEnvironment, makeSocketDirectory } from "../../provider/cli/exec";
import { runCommand } from "./harness";

const CLI = join(__dirname, "..", "..", "dist", "cpq-sso.js");
const linux = process.platform === "linux";
const itLinux = linux ? it : it.skip;

/** The node one-liner exec runs: what the command sees, and the provider's core dump filter. */
const PROBE = `
const r = JSON.parse(process.env.TF_REATTACH_PROVIDERS);
const pid = Object.values(r)[0].Pid;
console.log(JSON.stringify({
  password: process.env.CPQ_PASSWORD ?? null,
  token: process.env.CPQ_ACCESS_TOKEN ?? null,
  clientSecret: process.env.CPQ_CLIENT_SECRET ?? null,
  baseUrl: process.env.CPQ_BASE_URL ?? null,
  tfVar: process.env.TF_VAR_saml_store_pass ?? null,
  coredumpFilter: require("fs").readFileSync("/proc/" + pid + "/coredump_filter", "utf8").trim(),
}));`;

describe("cpq-sso exec and the directory of its socket", () => {
  itLinux(
    "refuses a world-writable TMPDIR without the sticky bit, with a clear message and no stack trace",
    async () => {
      const open = join(mkdtempSync(join(tmpdir(), "cpq-sso-exec-trust-")), "open");
      mkdirSync(open);
      chmodSync(open, 0o777);
      expect(() => makeSocketDirectory(open)).toThrow(
        /refusing to make the provider's socket directory .* writable by every user \(mode 0777\) without the sticky bit.*Set TMPDIR/s,
      );
      const r = await runCommand(process.execPath, [CLI, "exec", "--", "true"], {
        cwd: tmpdir(),
        env: { ...process.env, TMPDIR: open },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^cpq-sso exec: refusing to make the provider's socket directory/);
      expect(r.stderr).not.toMatch(/EACCES|\n\s+at /);
    },
  );

  itLinux("serves from a sticky world-writable TMPDIR, as /tmp is", async () => {
    const sticky = join(mkdtempSync(join(tmpdir(), "cpq-sso-exec-trust-")), "tmp");
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    const dir = makeSocketDirectory(sticky);
    expect(dir.startsWith(sticky)).toBe(true);
  });
});

describe("what cpq-sso exec hands the command", () => {
  it("keeps TF_VAR_* and CPQ_BASE_URL, and drops the CPQ secrets the provider has read", () => {
    const env = commandEnvironment(
      {
        CPQ_PASSWORD: "p",
        CPQ_ACCESS_TOKEN: "t",
        CPQ_CLIENT_SECRET: "s",
        CPQ_BASE_URL: "https://cpq.example.com",
        TF_VAR_x: "v",
      },
      { env: { TF_REATTACH_PROVIDERS: "{}" } },
    );
    expect(env).toEqual({
      CPQ_BASE_URL: "https://cpq.example.com",
      TF_VAR_x: "v",
      TF_REATTACH_PROVIDERS: "{}",
    });
  });

  itLinux(
    "runs the command without CPQ_PASSWORD, with the provider's memory kept out of core dumps",
    async () => {
      const r = await runCommand(
        process.execPath,
        [CLI, "exec", "--", process.execPath, "-e", PROBE],
        {
          cwd: tmpdir(),
          env: {
            ...process.env,
            CPQ_BASE_URL: "http://127.0.0.1:9",
            CPQ_USERNAME: "admin",
            CPQ_PASSWORD: "canary-exec-password-1b7e",
            CPQ_ACCESS_TOKEN: "canary-exec-token-7d21",
            CPQ_CLIENT_SECRET: "canary-exec-secret-3a90",
            TF_VAR_saml_store_pass: "store",
          },
        },
      );
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        password: null,
        token: null,
        clientSecret: null,
        baseUrl: "http://127.0.0.1:9",
        tfVar: "store",
        coredumpFilter: "00000000",
      });
    },
  );
});
