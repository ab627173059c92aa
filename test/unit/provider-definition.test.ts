import { DEFAULT_PATHS } from "../../provider/client";
import { PROVIDER_ATTRIBUTES, cpqProvider } from "../../provider/provider";
import { providersSchemaJson } from "../../provider/schema";
import { emptyObject, validateConfiguration } from "../../provider/contract/attributes";

const config = (values: Record<string, unknown>) =>
  ({ ...emptyObject(PROVIDER_ATTRIBUTES), ...values }) as never;

describe("provider definition", () => {
  it("offers one path attribute per endpoint, snake_case", () => {
    const names = PROVIDER_ATTRIBUTES.map((a) => a.name).filter((n) => n.endsWith("_path"));
    expect(names).toContain("sso_configuration_path");
    expect(names).toContain("user_integration_revoke_path");
    expect(names).toHaveLength(Object.keys(DEFAULT_PATHS).length);
  });

  it("refuses two ways of authenticating at once, naming the second", () => {
    const d = validateConfiguration(
      cpqProvider,
      config({ username: "u", password: "p", access_token: "t" }),
    );
    expect(d).toHaveLength(1);
    expect(d[0]!.summary).toContain("More than one way");
  });

  it("refuses a zero or negative timeout", () => {
    const d = validateConfiguration(cpqProvider, config({ request_timeout: 0 }));
    expect(d[0]!.path).toEqual(["request_timeout"]);
  });

  it.each([
    ["request_timeout", 2_147_484, "from 0.001 to 2147483"],
    ["request_timeout", 1e308, "from 0.001 to 2147483"],
    ["request_timeout", Infinity, "must be a number; got Infinity"],
    ["requests_per_second", 0.001, "one a minute"],
    ["requests_per_second", 1e9, "to 10000"],
  ])("refuses %s = %s at validation, naming the attribute and the range", (name, value, range) => {
    const d = validateConfiguration(cpqProvider, config({ [name]: value }));
    expect(d).toHaveLength(1);
    expect(d[0]!.path).toEqual([name]);
    expect(d[0]!.detail).toContain(range);
  });

  it("accepts the longest timeout Node's timers hold, and a rate of one request a minute", () => {
    expect(validateConfiguration(cpqProvider, config({ request_timeout: 2_147_483 }))).toEqual([]);
    expect(validateConfiguration(cpqProvider, config({ requests_per_second: 1 / 60 }))).toEqual([]);
  });

  it("refuses a plain-http site at validation, naming base_url", () => {
    const d = validateConfiguration(cpqProvider, config({ base_url: "http://cpq.example.com" }));
    expect(d.map((x) => [x.path, x.detail])).toEqual([
      [["base_url"], expect.stringContaining('"base_url" plain http is only allowed to loopback')],
    ]);
    expect(
      validateConfiguration(cpqProvider, config({ base_url: "http://127.0.0.1:8080" })),
    ).toEqual([]);
  });

  it("names the provider attribute, not the client option, when configure refuses a value", async () => {
    const r = await cpqProvider.configure(
      config({ base_url: "http://cpq.example.com", username: "u", password: "p" }),
    );
    expect(r.diagnostics[0]!.path).toEqual(["base_url"]);
    expect(r.diagnostics[0]!.detail).toMatch(/^"base_url" plain http/);
    expect(r.diagnostics[0]!.detail).not.toContain("baseUrl");
  });

  it("explains a missing site and missing credentials at configure", async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith("CPQ_")) delete process.env[k];
    try {
      const noSite = await cpqProvider.configure(config({}));
      expect(noSite.diagnostics[0]!.detail).toContain("CPQ_BASE_URL");
      const noCreds = await cpqProvider.configure(config({ base_url: "https://acme.example.com" }));
      expect(noCreds.diagnostics[0]!.summary).toBe("No CPQ credentials are configured");
    } finally {
      process.env = saved;
    }
  });

  it("refuses plain http to a host that is not loopback, without echoing the password", async () => {
    const r = await cpqProvider.configure(
      config({ base_url: "http://cpq.example.com", username: "u", password: "canary-pw-1234" }),
    );
    expect(r.ctx).toBeNull();
    expect(r.diagnostics[0]!.path).toEqual(["base_url"]);
    expect(JSON.stringify(r.diagnostics)).not.toContain("canary-pw-1234");
  });
});

describe("provider schema JSON", () => {
  const doc = providersSchemaJson();
  const provider = doc.provider_schemas["registry.terraform.io/cpq-sso/cpq"]!;

  it("has the shape of terraform providers schema -json", () => {
    expect(doc.format_version).toBe("1.0");
    expect(Object.keys(provider)).toEqual([
      "provider",
      "resource_schemas",
      "data_source_schemas",
      "functions",
    ]);
  });

  it("marks write-only and sensitive attributes of the SSO configuration", () => {
    const attrs = provider.resource_schemas.cpq_sso_configuration!.block.attributes;
    expect(attrs.saml_store_pass_wo).toMatchObject({
      write_only: true,
      sensitive: true,
      optional: true,
    });
    expect(attrs.saml_request_keystore).toMatchObject({
      sensitive: true,
      optional: true,
      computed: true,
    });
    expect(attrs.restart_required).toMatchObject({ computed: true, type: "bool" });
    expect(attrs.restart_required!.optional).toBeUndefined();
  });
});

describe("provider limits", () => {
  it("refuses at validation the retry and concurrency values the client would refuse", () => {
    for (const [name, value] of [
      ["max_retries", 25],
      ["max_retries", 1.5],
      ["max_concurrency", 0],
      ["max_concurrency", 300],
    ] as const) {
      const d = validateConfiguration(cpqProvider, config({ [name]: value }));
      expect(d.map((x) => x.path)).toEqual([[name]]);
    }
    expect(
      validateConfiguration(cpqProvider, config({ max_retries: 20, max_concurrency: 256 })),
    ).toEqual([]);
  });

  it("points a client option error at the provider attribute behind it", async () => {
    const r = await cpqProvider.configure(
      config({
        base_url: "https://cpq.example.com",
        username: "u",
        password: "p",
        user_integration_check_path: "/no/placeholders",
      }),
    );
    expect(r.ctx).toBeNull();
    expect(r.diagnostics[0]!.path).toEqual(["user_integration_check_path"]);
  });
});
