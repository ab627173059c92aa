/**
 * The provider server as `cpq-sso exec` runs it: on a Unix socket, without TLS, reached by many
 * terraform commands at once. Each connection is one provider instance with its own
 * configuration, and a ConfigureProvider starts from a fresh context, so no command sees another
 * command's site or a cache of an earlier one. grpc-js clients stand in for terraform.
 */
import * as grpcjs from "@grpc/grpc-js";
import { decode, encode } from "@msgpack/msgpack";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerService } from "../../provider/plugin/codec";
import { checkSocketDirectory } from "../../provider/plugin/exec-server";
import { unixSocketPathProblem } from "../../provider/plugin/handshake";
import { createLogger } from "../../provider/plugin/log";
import { serveProvider } from "../../provider/plugin/server";
import type { ServingProvider } from "../../provider/plugin/server";
import type { ProviderDefinition } from "../../provider/contract/types";
import {
  hasReattachedProvider,
  REATTACH_ADDRESSES,
  reattachProvidersValue,
} from "../../provider/cli/exec";
import { callUnary } from "../../tooling/plugin-client";

/** A context as the cpq provider's is: made by configure, holding a cache that fills on use. */
interface Ctx {
  readonly site: string;
  readonly generation: number;
  readonly cache: Map<string, string>;
}

let configures = 0;
const site: ProviderDefinition<Ctx> = {
  typeName: "cpq",
  attributes: [{ name: "site", type: "string", kind: "optional", description: "the site" }],
  validate: () => [],
  configure: (config) => {
    const s = String(config.site);
    if (s === "broken") {
      return Promise.resolve({
        ctx: null,
        diagnostics: [{ severity: "error", summary: "broken site" }],
      });
    }
    configures++;
    return Promise.resolve({
      ctx: { site: s, generation: configures, cache: new Map() },
      diagnostics: [],
    });
  },
  resources: () => [],
  dataSources: () => [
    {
      typeName: "cpq_site",
      description: "the configured site, and what its cache held before this read",
      attributes: [
        { name: "site", type: "string", kind: "computed", description: "" },
        { name: "generation", type: "number", kind: "computed", description: "" },
        { name: "cached", type: "string", kind: "computed", description: "" },
      ],
      validate: () => [],
      read: (ctx) => {
        const cached = ctx.cache.get("seen") ?? null;
        ctx.cache.set("seen", ctx.site);
        return Promise.resolve({
          state: { site: ctx.site, generation: ctx.generation, cached },
        });
      },
    },
  ],
  functions: () => [],
};

let dir: string;
let served: ServingProvider;
const clients: grpcjs.Client[] = [];
const Client = grpcjs.makeGenericClientConstructor(providerService, "Provider");

/**
 * A new connection, as a terraform command opens one per provider instance (go-plugin's grpc-go
 * client connection). grpc-js would share one connection between clients of the same address
 * without its local subchannel pool.
 */
function connect(): grpcjs.Client {
  const c = new Client(`unix:${served.address.address}`, grpcjs.credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
  });
  clients.push(c);
  return c;
}

async function configure(c: grpcjs.Client, value: string): Promise<string[]> {
  const r = await callUnary<{ diagnostics?: { summary: string }[] }>(c, "ConfigureProvider", {
    terraformVersion: "1.11.4",
    config: { msgpack: encode({ site: value }) },
  });
  return (r.diagnostics ?? []).map((d) => d.summary);
}

async function read(c: grpcjs.Client): Promise<Record<string, unknown>> {
  const r = await callUnary<{
    state?: { msgpack?: Uint8Array };
    diagnostics?: { summary: string; detail: string }[];
  }>(c, "ReadDataSource", {
    typeName: "cpq_site",
    config: { msgpack: encode({ site: null, generation: null, cached: null }) },
  });
  if (r.diagnostics && r.diagnostics.length > 0) {
    return { error: r.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join("; ") };
  }
  return decode(r.state!.msgpack!) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cpq-t-"));
  served = await serveProvider(site as ProviderDefinition<unknown>, {
    unixSocket: join(dir, "tf.sock"),
    out: () => undefined,
    logger: createLogger(undefined, () => undefined, "error"),
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the provider server of cpq-sso exec", () => {
  it("listens on the Unix socket it was given, named in the address", () => {
    expect(served.address).toEqual({ network: "unix", address: join(dir, "tf.sock") });
  });

  it("keeps each connection's configuration apart, also when two are configured at once", async () => {
    const a = connect();
    const b = connect();
    await Promise.all([configure(a, "site-a"), configure(b, "site-b")]);
    const [ra, rb] = await Promise.all([read(a), read(b)]);
    expect(ra).toMatchObject({ site: "site-a", cached: null });
    expect(rb).toMatchObject({ site: "site-b", cached: null });
    // Each connection's cache is its own: a's second read sees what a's first one cached.
    expect(await read(a)).toMatchObject({ site: "site-a", cached: "site-a" });
  });

  it("starts from a fresh context, with empty caches, at every ConfigureProvider", async () => {
    const c = connect();
    await configure(c, "site-c");
    const first = await read(c);
    expect(await read(c)).toMatchObject({ cached: "site-c" });
    await configure(c, "site-c");
    const again = await read(c);
    expect(again).toMatchObject({ site: "site-c", cached: null });
    expect(again.generation).not.toBe(first.generation);
  });

  it("leaves a connection unconfigured when its new configuration fails", async () => {
    const c = connect();
    await configure(c, "site-d");
    expect(await configure(c, "broken")).toEqual(["broken site"]);
    expect((await read(c)).error).toMatch(/used before it was configured/);
  });

  it("serves a new connection unconfigured, whatever the others were given", async () => {
    expect((await read(connect())).error).toMatch(/used before it was configured/);
  });
});

describe("the socket's directory and path", () => {
  it("refuses a directory other users could enter, and takes a private one", () => {
    const d = mkdtempSync(join(tmpdir(), "cpq-t-"));
    try {
      checkSocketDirectory(d);
      chmodSync(d, 0o755);
      expect(() => checkSocketDirectory(d)).toThrow(/mode 755: other users could reach/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("says which setting to change when the path is too long for a Unix socket", () => {
    expect(unixSocketPathProblem(`/tmp/${"x".repeat(90)}/tf.sock`, "linux")).toBeUndefined();
    expect(unixSocketPathProblem(`/tmp/${"x".repeat(110)}/tf.sock`, "linux")).toMatch(
      /more than the 107 .* Set TMPDIR to a shorter directory/,
    );
    expect(unixSocketPathProblem(`/tmp/${"x".repeat(100)}/tf.sock`, "darwin")).toMatch(/103/);
  });
});

describe("TF_REATTACH_PROVIDERS", () => {
  it("names the provider under Terraform's and OpenTofu's host, keeping other providers", () => {
    const other = { "registry.terraform.io/acme/other": { Protocol: "grpc" } };
    const value = JSON.parse(reattachProvidersValue(JSON.stringify(other), 42, "/tmp/s/tf.sock"));
    expect(Object.keys(value).sort()).toEqual(
      [...REATTACH_ADDRESSES, "registry.terraform.io/acme/other"].sort(),
    );
    expect(value["registry.opentofu.org/cpq-sso/cpq"]).toEqual({
      Protocol: "grpc",
      ProtocolVersion: 6,
      Pid: 42,
      Test: true,
      Addr: { Network: "unix", String: "/tmp/s/tf.sock" },
    });
    expect(hasReattachedProvider({ TF_REATTACH_PROVIDERS: JSON.stringify(value) })).toBe(true);
    expect(hasReattachedProvider({ TF_REATTACH_PROVIDERS: JSON.stringify(other) })).toBe(false);
  });

  it("refuses to add to a value that is not a JSON object", () => {
    expect(() => reattachProvidersValue("not json", 1, "/s")).toThrow(
      /TF_REATTACH_PROVIDERS is set but is not a JSON object/,
    );
  });
});
