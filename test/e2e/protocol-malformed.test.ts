/**
 * Malformed messages on the plugin protocol, sent to the real provider bundle (`dist/provider.js`)
 * over mutual TLS as Terraform's client would: garbage msgpack, values of the wrong type, unknown
 * attribute and type names, wholly unknown objects, and bytes that are not even protobuf. Every
 * provider RPC must answer with an error diagnostic (or, for bytes that are not protobuf, a gRPC
 * error status), and the process must stay alive: the health check answers after each round.
 */
import type * as grpcjs from "@grpc/grpc-js";
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { generateServerCertificate } from "../../provider/plugin/cert";
import { healthService, providerService } from "../../provider/plugin/codec";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../provider/plugin/handshake";
import { encodeRaw } from "../../provider/plugin/values";
import { UNKNOWN } from "../../provider/contract/types";
import { callUnary, connectToPlugin } from "../../tooling/plugin-client";
import { codeCacheEnv } from "../../tooling/terraform-env";

const BUNDLE = join(__dirname, "..", "..", "dist", "provider.js");

interface Diag {
  severity: number;
  summary: string;
  detail: string;
}

/** A call that fails rather than hangs when the provider stops answering. */
function call<T>(client: grpcjs.Client, name: string, req: unknown): Promise<T> {
  return callUnary<T>(client, name, req, 10_000);
}

/** Deterministic pseudo-random bytes (xorshift), so a failure reproduces. */
function bytes(seed: number, n: number): Uint8Array {
  let x = seed || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const mp = (v: unknown): { msgpack: Uint8Array } => ({ msgpack: encodeRaw(v) });

/** Bad DynamicValues: what a confused or hostile client could put where an object belongs. */
const BAD_VALUES: Record<string, { msgpack?: Uint8Array; json?: Uint8Array }> = {
  "a never-used msgpack byte": { msgpack: new Uint8Array([0xc1]) },
  "a map cut short": { msgpack: new Uint8Array([0x85, 0xa3, 0x61]) },
  "a string that claims 4 GiB": { msgpack: new Uint8Array([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]) },
  "random bytes (seed 1)": { msgpack: bytes(1, 64) },
  "random bytes (seed 2)": { msgpack: bytes(2, 512) },
  "random bytes (seed 3)": { msgpack: bytes(3, 7) },
  "an array, not an object": mp([1, 2, 3]),
  "a string, not an object": mp("sso"),
  "wrong types for known attributes": mp({
    sso_method: 5,
    saml_need_request_signed: "yes",
    saml_store_pass_wo_version: "seven",
    tab: 1,
    login: { a: 1 },
    validate_credentials: [],
    base_url: 1,
    password: true,
  }),
  "unknown attribute names only": mp({ no_such_attribute: "x", "": 1, __proto__: "p" }),
  "a wholly unknown object": mp(UNKNOWN),
  "JSON that is not JSON": { json: Buffer.from("{not json") },
};

const TYPES = [
  "cpq_sso_configuration",
  "cpq_user_integration_login",
  "cpq_user_integration_check",
  "cpq_no_such_type",
];

/** The requests of every value-carrying RPC, with the bad value in each value slot. */
function requests(
  typeName: string,
  bad: { msgpack?: Uint8Array; json?: Uint8Array },
): [string, object][] {
  return [
    ["ValidateProviderConfig", { config: bad }],
    ["ValidateResourceConfig", { typeName, config: bad }],
    ["ValidateDataResourceConfig", { typeName, config: bad }],
    ["UpgradeResourceState", { typeName, version: 0, rawState: { json: Buffer.from("{]") } }],
    ["ReadResource", { typeName, currentState: bad, private: Buffer.from("not json") }],
    [
      "PlanResourceChange",
      { typeName, priorState: bad, proposedNewState: bad, config: bad, priorPrivate: bad.msgpack },
    ],
    [
      "ApplyResourceChange",
      { typeName, priorState: bad, plannedState: bad, config: bad, plannedPrivate: bad.msgpack },
    ],
    ["ImportResourceState", { typeName, id: "\u0000../../etc/passwd" }],
    ["ReadDataSource", { typeName, config: bad }],
    ["ConfigureProvider", { config: bad }],
    // Terraform 1.12-1.14: identity, list resources, config generation, actions.
    ["ImportResourceState", { typeName, identity: { identityData: bad } }],
    ["UpgradeResourceIdentity", { typeName, version: 0, rawIdentity: { json: Buffer.from("{]") } }],
    ["ValidateListResourceConfig", { typeName, config: bad }],
    ["GenerateResourceConfig", { typeName, state: bad }],
    ["ValidateActionConfig", { typeName, config: bad }],
    ["PlanAction", { actionType: typeName, config: bad }],
  ];
}

describe("the real provider under malformed plugin-protocol messages", () => {
  let child: ChildProcessWithoutNullStreams;
  let stderr = "";
  let provider: grpcjs.Client;
  let health: grpcjs.Client;
  let raw: grpcjs.Client;
  let rounds = 0;

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error("dist/provider.js is missing: run `npm run build`.");
    const clientCert = generateServerCertificate();
    child = spawn(process.execPath, [BUNDLE], {
      env: {
        PATH: process.env.PATH ?? "",
        [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
        PLUGIN_PROTOCOL_VERSIONS: "6",
        PLUGIN_CLIENT_CERT: clientCert.certPem,
        TF_LOG: "trace",
        ...codeCacheEnv(),
      },
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf("\n");
        if (nl >= 0) resolve(out.slice(0, nl));
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const plugin = connectToPlugin(line, clientCert);
    // Sends its request bytes untouched: protobuf that is not protobuf.
    const rawService: grpcjs.ServiceDefinition = Object.fromEntries(
      Object.entries(providerService).map(([name, m]) => [
        name,
        { ...m, requestSerialize: (b: Buffer) => b },
      ]),
    );
    provider = plugin.client(providerService, "Provider");
    health = plugin.client(healthService, "Health");
    raw = plugin.client(rawService, "Raw");
  });

  afterAll(() => {
    for (const c of [provider, health, raw]) c?.close();
    child?.kill();
    process.stdout.write(`protocol-malformed rounds: ${rounds}\n`);
  });

  const alive = async (): Promise<void> => {
    expect(child.exitCode).toBeNull();
    expect(await call(health, "Check", { service: "plugin" })).toMatchObject({ status: 1 });
  };

  it.each(Object.keys(BAD_VALUES))(
    "answers %s in every RPC and type with an error diagnostic, and stays alive",
    async (name) => {
      const bad = BAD_VALUES[name]!;
      for (const typeName of TYPES) {
        for (const [rpc, req] of requests(typeName, bad)) {
          rounds++;
          const res = await call<{ diagnostics?: Diag[] }>(provider, rpc, req);
          const errors = (res.diagnostics ?? []).filter((d) => d.severity === 1);
          const ok =
            errors.length > 0 ||
            // A wholly unknown configuration (go-cty's unknown) is nothing to validate yet; the
            // same value fails at Configure, Plan and Apply with a diagnostic.
            ([
              "ValidateProviderConfig",
              "ValidateResourceConfig",
              "ValidateListResourceConfig",
              "ValidateActionConfig",
            ].includes(rpc) &&
              name === "a wholly unknown object");
          if (!ok) throw new Error(`${rpc} ${typeName} with ${name}: ${JSON.stringify(res)}`);
          for (const d of errors) expect(d.summary.length).toBeGreaterThan(0);
        }
      }
      await alive();
    },
  );

  it("answers bytes that are not protobuf with a gRPC error, and stays alive", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const rpc of ["PlanResourceChange", "ApplyResourceChange", "ReadResource"]) {
        rounds++;
        await call(raw, rpc, Buffer.from(bytes(seed * 7919, 32 + seed * 13))).then(
          () => undefined,
          (e: grpcjs.ServiceError) => expect(e.code).toBeGreaterThan(0),
        );
      }
    }
    await alive();
  });

  it("logs hclog JSON lines only, every failure included", () => {
    for (const l of stderr.split("\n").filter(Boolean)) {
      expect(JSON.parse(l)).toHaveProperty("@level");
    }
  });
});
