// provider::cpq::certificate through the plugin service, with arguments msgpack-encoded as
// Terraform sends them: its signature in the schema, its result, and its errors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { cpqProvider } from "../../provider/provider";
import { providersSchemaJson } from "../../provider/schema";
import { ProviderService } from "../../provider/plugin/provider-service";
import { createLogger } from "../../provider/plugin/log";
import { decodeRaw, encodeRaw } from "../../provider/plugin/values";
import { CERTIFICATE_FUNCTION_MAX_LENGTH } from "../../provider/functions/certificate";

const FIXTURES = join(__dirname, "..", "fixtures");
const pem = readFileSync(join(FIXTURES, "idp-cert.pem"), "utf8");
const expired = readFileSync(join(FIXTURES, "idp-cert-expired.pem"), "utf8");

const lines: string[] = [];
const service = (): ProviderService =>
  new ProviderService(cpqProvider, { logger: createLogger("test", (l) => lines.push(l)) });

const call = (name: string, ...args: unknown[]) =>
  service().CallFunction({ name, arguments: args.map((a) => ({ msgpack: encodeRaw(a) })) });

/** The PEM with its second base64 line (inside the DER) replaced: armour intact, body broken. */
const brokenBody = (() => {
  const lines = pem.split("\n");
  lines[2] = "A".repeat(lines[2]!.length);
  return lines.join("\n");
})();

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString();

describe("provider::cpq::certificate", () => {
  it("is declared in the schema with one string parameter and an object result", async () => {
    const schema = await service().GetProviderSchema();
    const f = schema.functions?.certificate;
    expect(f).toBeDefined();
    expect(f!.parameters).toHaveLength(1);
    expect(f!.parameters![0]).toMatchObject({ name: "pem", allowNullValue: false });
    expect(JSON.parse(text(f!.parameters![0]!.type))).toBe("string");
    expect(JSON.parse(text(f!.return!.type))).toEqual([
      "object",
      { subject: "string", sha256_fingerprint: "string", not_after: "string" },
    ]);
    expect((await service().GetFunctions()).functions?.certificate).toEqual(f);
    expect((await service().GetMetadata()).functions).toContainEqual({ name: "certificate" });
  });

  it("appears in `cpq-sso schema --json` as `terraform providers schema -json` prints functions", () => {
    const doc = providersSchemaJson().provider_schemas["registry.terraform.io/cpq-sso/cpq"]!;
    expect(doc.functions.certificate).toMatchObject({
      return_type: [
        "object",
        { subject: "string", sha256_fingerprint: "string", not_after: "string" },
      ],
      parameters: [{ name: "pem", type: "string" }],
    });
  });

  it("returns the facts node:crypto reads from the certificate, with no provider configured", async () => {
    const r = await call("certificate", pem);
    expect(r.error).toBeUndefined();
    const x = new X509Certificate(pem);
    expect(decodeRaw(r.result!.msgpack!)).toEqual({
      subject: x.subject.split("\n").join(", "),
      sha256_fingerprint: x.fingerprint256,
      not_after: new Date(x.validTo).toISOString().replace(/\.\d{3}Z$/, "Z"),
    });
  });

  it("reads base64 DER as well as PEM, to the same facts", async () => {
    const der = new X509Certificate(pem).raw.toString("base64");
    const a = await call("certificate", pem);
    const b = await call("certificate", der);
    expect(decodeRaw(b.result!.msgpack!)).toEqual(decodeRaw(a.result!.msgpack!));
  });

  it("reads an expired certificate (the caller's check decides what expiry means)", async () => {
    const r = await call("certificate", expired);
    const facts = decodeRaw(r.result!.msgpack!) as { not_after: string };
    expect(Date.parse(facts.not_after)).toBeLessThan(Date.now());
  });

  it.each([
    ["text that is not a certificate", "not a certificate", /not an X\.509 certificate/],
    ["a PEM block with a broken body", brokenBody, /not an X\.509/],
    ["a number", 42, /must be a string/],
    [
      "text over the length limit",
      "A".repeat(CERTIFICATE_FUNCTION_MAX_LENGTH + 1),
      /at most 65536 are read/,
    ],
  ])("refuses %s with an error on argument 0, without echoing it", async (_what, arg, message) => {
    const r = await call("certificate", arg);
    expect(r.result).toBeUndefined();
    expect(r.error?.functionArgument).toBe(0);
    expect(r.error?.text).toMatch(message);
    // Terraform wraps the text as `Invalid value for "pem" parameter: <text>.`
    expect(r.error?.text).not.toMatch(/\.$/);
    if (typeof arg === "string") expect(r.error?.text).not.toContain(arg.slice(0, 40));
  });

  it("names a function it does not have, and a wrong argument count", async () => {
    expect((await call("nope", pem)).error?.text).toContain('no function "nope"');
    expect((await call("certificate", pem, pem)).error?.text).toMatch(/takes 1 argument/);
  });
});

describe("a provider function that throws", () => {
  it("answers a FunctionError naming the function and the cause, and logs the failure, as every RPC's guard does", async () => {
    const logged: string[] = [];
    const throwing = {
      ...cpqProvider,
      functions: () => [
        {
          ...cpqProvider.functions()[0]!,
          name: "boom",
          call: () => {
            throw new Error("the function's own bug");
          },
        },
      ],
    };
    const svc = new ProviderService(throwing, {
      logger: createLogger("test", (l) => logged.push(l)),
    });
    const res = await svc.CallFunction({ name: "boom", arguments: [{ msgpack: encodeRaw("x") }] });
    expect(res.result).toBeUndefined();
    expect(res.error?.text).toBe(
      "The cpq provider failed during call of provider::cpq::boom: the function's own bug",
    );
    expect(logged.join("\n")).toMatch(/rpc failed.*CallFunction/);
  });
});
