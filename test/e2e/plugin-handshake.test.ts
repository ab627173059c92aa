/**
 * The go-plugin handshake as Terraform's client performs it, without terraform: start the bundled
 * provider with the magic cookie and a client certificate, read the handshake line, connect with
 * mutual TLS trusting only the certificate in that line, call the services go-plugin calls.
 */
import * as grpcjs from "@grpc/grpc-js";
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { generateServerCertificate } from "../../provider/plugin/cert";
import {
  controllerService,
  healthService,
  providerService,
  stdioService,
} from "../../provider/plugin/codec";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../provider/plugin/handshake";
import { decodeRaw } from "../../provider/plugin/values";
import { callUnary, connectToPlugin } from "../../tooling/plugin-client";
import { bundleFixtureProvider } from "../../tooling/bundle";
import { isAlive } from "../support/run-command";

interface Started {
  child: ChildProcessWithoutNullStreams;
  line: string;
  stderr: () => string;
}

function start(bundle: string, env: Record<string, string>): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve({ child, line: out.slice(0, nl), stderr: () => err });
    });
    child.on("exit", (code) => reject(new Error(`exited ${code} before the handshake: ${err}`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on("exit", (code) => resolve(code));
  });
}

const call = callUnary;

describe("the provider's go-plugin handshake", () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await bundleFixtureProvider();
  });

  it("refuses to run without the magic cookie, saying it is a Terraform plugin", async () => {
    const child = spawn(process.execPath, [bundle], { env: { PATH: process.env.PATH ?? "" } });
    let err = "";
    let out = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("This binary is a Terraform plugin");
  });

  it("refuses a client that does not speak protocol 6", async () => {
    const child = spawn(process.execPath, [bundle], {
      env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "4,5" },
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).toBe(1);
    expect(err).toContain("protocol 6");
  });

  it("serves health, stdio, the provider and shutdown over mutual TLS", async () => {
    const client = generateServerCertificate();
    const s = await start(bundle, {
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: "5,6",
      PLUGIN_CLIENT_CERT: client.certPem,
    });
    try {
      const [core, app, network, address, protocol, certB64] = s.line.split("|");
      // As go-plugin's servers: a Unix socket, in a directory of its own only this user can enter.
      expect([core, app, network, protocol]).toEqual(["1", "6", "unix", "grpc"]);
      expect(address).toMatch(/[\\/]cpq-sso-plugin-[^\\/]+[\\/]plugin\.sock$/);
      const socketDir = dirname(address!);
      expect(statSync(socketDir).mode & 0o777).toBe(0o700);
      expect(statSync(address!).isSocket()).toBe(true);
      expect(certB64).not.toContain("=");
      const plugin = connectToPlugin(s.line, client);
      expect(plugin.serverCert.subjectAltName).toBe("DNS:localhost");

      const health = plugin.client(healthService, "Health");
      expect(await call(health, "Check", { service: "plugin" })).toMatchObject({ status: 1 });

      const stdio = plugin.client(stdioService, "Stdio");
      const stream = (
        stdio as unknown as Record<string, (r: unknown) => grpcjs.ClientReadableStream<unknown>>
      ).StreamStdio!({});
      const chunks: unknown[] = [];
      stream.on("data", (c) => chunks.push(c));
      stream.on("error", () => undefined);

      const provider = plugin.client(providerService, "Provider");
      const schema = await call<{
        resourceSchemas: Record<
          string,
          { block: { attributes: { name: string; writeOnly: boolean }[] } }
        >;
        serverCapabilities: { planDestroy: boolean; getProviderSchemaOptional: boolean };
      }>(provider, "GetProviderSchema", {});
      const attrs = schema.resourceSchemas.cpq_fixture_file!.block.attributes;
      expect(attrs.find((a) => a.name === "secret_wo")?.writeOnly).toBe(true);
      expect(schema.serverCapabilities.planDestroy).toBe(false);
      // Terraform may reuse the first process's schema in the next processes of a command.
      expect(schema.serverCapabilities.getProviderSchemaOptional).toBe(true);

      // A destroy is planned without the resource: proposed null gives planned null.
      const nil = new Uint8Array([0xc0]);
      const plan = await call<{ plannedState: { msgpack: Uint8Array }; diagnostics: unknown[] }>(
        provider,
        "PlanResourceChange",
        {
          typeName: "cpq_fixture_file",
          priorState: { msgpack: nil },
          proposedNewState: { msgpack: nil },
          config: { msgpack: nil },
        },
      );
      expect(decodeRaw(plan.plannedState.msgpack)).toBeNull();
      expect(plan.diagnostics).toEqual([]);

      // An unknown resource type is an error diagnostic, not a failed call.
      const unknownType = await call<{ diagnostics: { summary: string; detail: string }[] }>(
        provider,
        "ValidateResourceConfig",
        { typeName: "cpq_nope", config: { msgpack: nil } },
      );
      expect(unknownType.diagnostics[0]?.detail).toContain('no resource type "cpq_nope"');

      const meta = await call<{ resources: { typeName: string }[] }>(provider, "GetMetadata", {});
      expect(meta.resources.map((r) => r.typeName)).toEqual(["cpq_fixture_file"]);
      expect(await call(provider, "GetFunctions", {})).toBeDefined();

      const controller = plugin.client(controllerService, "Controller");
      await call(controller, "Shutdown", {});
      expect(await exited(s.child)).toBe(0);
      // Its socket and directory go with it.
      expect(existsSync(socketDir)).toBe(false);
      expect(chunks).toEqual([]);
      for (const c of [health, stdio, provider, controller]) c.close();
      // Logs are hclog JSON lines on stderr.
      for (const line of s.stderr().split("\n").filter(Boolean)) {
        expect(JSON.parse(line)).toHaveProperty("@level");
      }
    } finally {
      s.child.kill();
    }
  });

  it("listens in PLUGIN_UNIX_SOCKET_DIR, and on 127.0.0.1 within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when it cannot make its socket there", async () => {
    const client = generateServerCertificate();
    const base = mkdtempSync(join(tmpdir(), "cpq-sso-socket-dir-"));
    const served = async (
      env: Record<string, string>,
    ): Promise<{ network: string | undefined; address: string | undefined }> => {
      const s = await start(bundle, {
        [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
        PLUGIN_PROTOCOL_VERSIONS: "6",
        PLUGIN_CLIENT_CERT: client.certPem,
        ...env,
      });
      try {
        const [, , network, address] = s.line.split("|");
        const plugin = connectToPlugin(s.line, client);
        const health = plugin.client(healthService, "Health");
        expect(await call(health, "Check", { service: "plugin" })).toMatchObject({ status: 1 });
        health.close();
        return { network, address };
      } finally {
        s.child.kill("SIGTERM");
        await exited(s.child);
        // Ended by a signal, it still takes its socket's directory with it, and ends by that signal.
        expect(s.child.signalCode).toBe("SIGTERM");
        expect(readdirSync(base).filter((f) => f.startsWith("cpq-sso-plugin-"))).toEqual([]);
      }
    };
    try {
      const inDir = await served({ PLUGIN_UNIX_SOCKET_DIR: base });
      expect(inDir.network).toBe("unix");
      expect(dirname(dirname(inDir.address!))).toBe(base);

      const port = 20000 + Math.floor(Math.random() * 20000);
      const tcp = await served({
        PLUGIN_UNIX_SOCKET_DIR: join(base, "missing", "dir"),
        PLUGIN_MIN_PORT: String(port),
        PLUGIN_MAX_PORT: String(port + 20),
      });
      expect(tcp.network).toBe("tcp");
      const [host, bound] = tcp.address!.split(":");
      expect(host).toBe("127.0.0.1");
      expect(Number(bound)).toBeGreaterThanOrEqual(port);
      expect(Number(bound)).toBeLessThanOrEqual(port + 20);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("listens on 127.0.0.1, never on a Unix socket, when Terraform turned its TLS off", async () => {
    // TF_DISABLE_PLUGIN_TLS: no PLUGIN_CLIENT_CERT. A swapped socket directory would then hand
    // another user the provider's configuration; on loopback TCP nobody can take the connection.
    const s = await start(bundle, {
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: "6",
    });
    try {
      const [, , network, address, , cert] = s.line.split("|");
      expect(network).toBe("tcp");
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(cert).toBe("");
    } finally {
      s.child.kill("SIGTERM");
      await exited(s.child);
    }
  });

  it("ends on its own when terraform is killed outright, instead of living on as an orphan", async () => {
    // A stand-in for terraform: a shell that starts the provider, then is killed with SIGKILL
    // once the provider has hand-shaken, so it can neither close the provider nor tell it.
    const parent = spawn(
      "sh",
      ["-c", '"$0" "$1" & echo "pid $!"; wait', process.execPath, bundle],
      {
        env: {
          PATH: process.env.PATH ?? "",
          [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
          PLUGIN_PROTOCOL_VERSIONS: "6",
        },
      },
    );
    let pid = 0;
    try {
      pid = await new Promise<number>((resolve, reject) => {
        let out = "";
        parent.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /^pid (\d+)$/m.exec(out);
          // The handshake line ends with the protocol and address: the provider is serving.
          if (m && /\|grpc/.test(out)) resolve(Number(m[1]));
        });
        parent.on("exit", () => reject(new Error(`the stand-in ended first: ${out}`)));
      });
      expect(isAlive(pid)).toBe(true);
      parent.kill("SIGKILL");
      const deadline = Date.now() + 10_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(isAlive(pid)).toBe(false);
    } finally {
      parent.kill("SIGKILL");
      if (pid && isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("rejects a client whose certificate is not the one it was given", async () => {
    const expected = generateServerCertificate();
    const intruder = generateServerCertificate();
    const s = await start(bundle, {
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_CLIENT_CERT: expected.certPem,
    });
    try {
      const health = connectToPlugin(s.line, intruder).client(healthService, "Health");
      await expect(callUnary(health, "Check", { service: "plugin" }, 3000)).rejects.toBeTruthy();
      health.close();
    } finally {
      s.child.kill();
    }
  });

  it("prints a TF_REATTACH_PROVIDERS value and serves without TLS in debug mode", async () => {
    // The fixture entry has no --debug flag; the real entry's debug path is the same function.
    const { serveProvider } = await import("../../provider/plugin/server");
    const { fixtureProvider } = await import("../../tooling/plugin-fixture-provider");
    let printed = "";
    const served = await serveProvider(fixtureProvider as never, {
      debug: true,
      env: {},
      out: (t) => (printed += t),
      logger: {
        log: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
    try {
      const m = /TF_REATTACH_PROVIDERS='(.*)'/.exec(printed);
      expect(m).not.toBeNull();
      const value = JSON.parse(m![1]!) as Record<
        string,
        { Addr: { Network: string; String: string }; ProtocolVersion: number }
      >;
      const entry = value["registry.terraform.io/cpq-sso/cpq"]!;
      expect(entry.ProtocolVersion).toBe(6);
      expect(entry.Addr.String).toBe(served.address.address);
      const Health = grpcjs.makeGenericClientConstructor(healthService, "Health");
      const health = new Health(served.address.address, grpcjs.credentials.createInsecure());
      expect(await call(health, "Check", { service: "plugin" })).toMatchObject({ status: 1 });
      health.close();
    } finally {
      await served.stop();
    }
  });
});
