/**
 * Text from CPQ is parsed in linear time and capped before parsing: certificates (the IdP
 * certificate CPQ answers, in a plan, a read and a report) and SAML metadata, whose errors quote
 * at most an excerpt of the document. Regression tests for issue 24: a 1 MiB certificate from CPQ
 * made a plan take 29.5 s, 2 MiB took two minutes of CPU.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { summarizePlan } from "../../provider/cli/report";
import type { PlanJson } from "../../provider/cli/plan-json";
import { emptyObject } from "../../provider/contract/attributes";
import { certificateWarnings } from "../../provider/cpq/certificate";
import {
  SSO_ATTRIBUTES,
  ssoConfigurationResource,
} from "../../provider/resources/sso-configuration";
import type { SsoContext } from "../../provider/resources/sso-configuration";
import { MAX_CERTIFICATE_CHARS, parseCertificate } from "../../provider/saml/certificate";
import { MetadataError, parseIdpMetadata } from "../../provider/saml/metadata";

const PEM = readFileSync(join(__dirname, "../../examples/basic/idp-signing-cert.pem"), "utf8");
const BEGIN = "-----BEGIN CERTIFICATE-----\n";
/** Begin markers with no end marker: what made the old PEM regular expression quadratic. */
const hostile = (chars: number) => BEGIN.repeat(Math.ceil(chars / BEGIN.length));
const MIB = 1024 * 1024;

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

describe("reading a certificate from CPQ-supplied text", () => {
  it("refuses a 2 MiB hostile certificate in well under a second", () => {
    const [facts, ms] = timed(() => parseCertificate(hostile(2 * MIB)));
    expect(facts).toBeUndefined();
    expect(ms).toBeLessThan(100);
  });

  it("scans hostile text just under the size limit in linear time", () => {
    // Within the cap the scan itself must be linear: 60 KiB of begin markers cost the regular
    // expression about 2,000 scans of 30 KiB each.
    const text = hostile(MAX_CERTIFICATE_CHARS - 100);
    expect(text.length).toBeLessThanOrEqual(MAX_CERTIFICATE_CHARS);
    const [facts, ms] = timed(() => {
      let r;
      for (let i = 0; i < 20; i++) r = parseCertificate(text);
      return r;
    });
    expect(facts).toBeUndefined();
    expect(ms).toBeLessThan(200);
  });

  it("still reads a PEM certificate, with text around it, and refuses one past the limit", () => {
    expect(parseCertificate(`note\n${PEM}\ntrailer`)?.sha256Fingerprint).toMatch(/^[0-9A-F:]+$/);
    expect(parseCertificate(PEM + " ".repeat(MAX_CERTIFICATE_CHARS))).toBeUndefined();
  });

  it("warns that a certificate past the limit is too long, naming its length", () => {
    const [warnings, ms] = timed(() =>
      certificateWarnings(hostile(2 * MIB), "id_provider_certificate"),
    );
    expect(ms).toBeLessThan(100);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.summary).toBe(
      '"id_provider_certificate" is too long to be read as a certificate',
    );
    expect(warnings[0]?.detail).toMatch(/at most 65536 are read/);
  });
});

describe("a 2 MiB hostile certificate held by CPQ", () => {
  const cert = hostile(2 * MIB);
  const ctx: SsoContext = {
    client: {
      getSsoConfiguration: () =>
        Promise.resolve({ ssoMethod: "Federated Authentication", idProviderCertificate: cert }),
      postSsoConfiguration: () => Promise.reject(new Error("not in this test")),
    },
    ssoPostMode: "merge",
  };

  it("costs a read and a plan well under a second", async () => {
    const t0 = performance.now();
    const prior = { ...emptyObject(SSO_ATTRIBUTES), id: "sso", destroy_behavior: "retain" };
    const read = await ssoConfigurationResource.read({ ctx, current: prior, private: {} });
    expect(read.state?.id_provider_certificate).toBe(cert);
    expect(read.state?.certificate_subject).toBeNull();
    const config = { ...emptyObject(SSO_ATTRIBUTES), sso_method: "Federated Authentication" };
    await ssoConfigurationResource.plan({
      ctx,
      prior: null,
      proposed: config,
      config,
      priorPrivate: {},
    });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it("costs the report of a plan well under a second", () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "cpq_sso_configuration.sso",
          type: "cpq_sso_configuration",
          name: "sso",
          change: {
            actions: ["update"],
            before: { id_provider_certificate: cert },
            after: { id_provider_certificate: `${cert}x` },
          },
        },
      ],
    } as unknown as PlanJson;
    const [summary, ms] = timed(() => summarizePlan(plan));
    expect(ms).toBeLessThan(1000);
    // Refused by length before any parsing: reported as a certificate that does not parse.
    expect(summary.certificates).toEqual([
      expect.objectContaining({ attribute: "id_provider_certificate", kind: "unreadable" }),
    ]);
  });
});

describe("SAML metadata errors", () => {
  const failure = (xml: string): MetadataError => {
    try {
      parseIdpMetadata(xml);
    } catch (e) {
      if (e instanceof MetadataError) return e;
      throw e;
    }
    throw new Error("parsed");
  };

  it("quote an excerpt of a 900 KB name, not the name", () => {
    const name = "x".repeat(900_000);
    const e = failure(`<${name}/>`);
    expect(e.code).toBe("not_saml");
    expect(e.message).toMatch(/\(900000 characters\)/);
    expect(e.message.length).toBeLessThan(1000);
  });

  it("quote an excerpt of a 900 KB parser complaint, not the complaint", () => {
    const e = failure(`<a></${"y".repeat(900_000)}>`);
    expect(e.code).toBe("malformed");
    expect(e.message.length).toBeLessThan(1000);
  });
});
