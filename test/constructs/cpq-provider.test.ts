import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { CpqProvider, sensitiveVariable } from "../../constructs";
import { synthJson, validationError, warnings } from "./helpers";

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
    version: string;
  }
).version;

const newBareStack = (): TerraformStack => new TerraformStack(Testing.app(), "stack");

describe("CpqProvider", () => {
  it("maps typed props to the provider block and requires cpq-sso/cpq at this package's version", () => {
    const stack = newBareStack();
    new CpqProvider(stack, "cpq", {
      baseUrl: "https://acme.bigmachines.com",
      apiVersion: "v18",
      pathPrefix: "/cpq",
      username: "sso-admin",
      password: sensitiveVariable(stack, "cpq_password", "CPQ password"),
      requestTimeout: 10,
      maxRetries: 0,
      maxConcurrency: 2,
      requestsPerSecond: 5,
      caCertificate: "-----BEGIN CERTIFICATE-----\n...",
      paths: { ssoConfiguration: "{prefix}/custom/{version}/sso" },
    });
    const json = synthJson(stack);
    expect(json.provider).toEqual({
      cpq: [
        {
          base_url: "https://acme.bigmachines.com",
          api_version: "v18",
          path_prefix: "/cpq",
          username: "sso-admin",
          password: "${var.cpq_password}",
          request_timeout: 10,
          max_retries: 0,
          max_concurrency: 2,
          requests_per_second: 5,
          ca_certificate: "-----BEGIN CERTIFICATE-----\n...",
          sso_configuration_path: "{prefix}/custom/{version}/sso",
        },
      ],
    });
    // The provider ships in this package: the constructs pin the version the package installs.
    expect(json.terraform).toEqual({
      required_providers: { cpq: { source: "cpq-sso/cpq", version: PACKAGE_VERSION } },
    });
    expect(validationError(stack)).toBeUndefined();
  });

  it("emits an empty block when everything comes from the environment", () => {
    const stack = newBareStack();
    new CpqProvider(stack, "cpq");
    expect(synthJson(stack).provider).toEqual({ cpq: [{}] });
  });

  it("takes OAuth client credentials with the secret from a sensitive variable", () => {
    const stack = newBareStack();
    new CpqProvider(stack, "cpq", {
      tokenUrl: "https://idcs.example.com/oauth2/v1/token",
      clientId: "cpq-sso",
      clientSecret: sensitiveVariable(stack, "client_secret", "OAuth client secret"),
      scope: "urn:opc:cpq",
    });
    expect(synthJson(stack).provider).toEqual({
      cpq: [
        {
          token_url: "https://idcs.example.com/oauth2/v1/token",
          client_id: "cpq-sso",
          client_secret: "${var.client_secret}",
          scope: "urn:opc:cpq",
        },
      ],
    });
    expect(validationError(stack)).toBeUndefined();
  });

  it("refuses two ways to authenticate at synth, with the provider's own message", () => {
    const stack = newBareStack();
    new CpqProvider(stack, "cpq", {
      username: "sso-admin",
      accessToken: sensitiveVariable(stack, "token", "bearer token"),
    });
    expect(validationError(stack)).toMatch(
      /\[stack\/cpq\] \w+ \(\w+\): More than one way to authenticate is configured\. Choose one of/,
    );
  });

  it("refuses out-of-range numbers, naming the prop and the attribute", () => {
    const stack = newBareStack();
    new CpqProvider(stack, "cpq", { maxConcurrency: 0 });
    expect(validationError(stack)).toContain("[stack/cpq] maxConcurrency (max_concurrency):");
  });

  it("treats tokens as unknown", () => {
    const stack = newBareStack();
    new CpqProvider(stack, "cpq", {
      baseUrl: sensitiveVariable(stack, "base_url", "site").stringValue,
      maxConcurrency: sensitiveVariable(stack, "n", "n").numberValue,
    });
    expect(validationError(stack)).toBeUndefined();
    expect(warnings(stack)).toEqual([]);
  });

  it("fails synth on a plain-http site, naming the prop and the attribute", () => {
    const stack = newBareStack();
    new CpqProvider(stack, "cpq", { baseUrl: "http://cpq.example.com" });
    expect(validationError(stack)).toContain(
      '[stack/cpq] baseUrl (base_url): Invalid value for "base_url".',
    );
  });
});
