/**
 * Property-based tests of the constructs at synth: generated bad props (wrong types, values outside
 * an enum, broken cross-field rules, a version without its secret, a secret written as a literal)
 * must make `app.synth()` fail with a message naming the Terraform attribute, and never with an
 * unrelated exception.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Testing, TerraformStack } from "cdktf";
import {
  CpqProvider,
  SsoConfiguration,
  UserIntegrationLogin,
  sensitiveVariable,
} from "../../constructs";
import type { SsoConfigurationProps, UserIntegrationLoginProps } from "../../constructs";
import {
  DESTROY_BEHAVIORS,
  SAML_USER_ID_LOCATIONS,
  SAML_USER_ID_TYPES,
  SSO_METHODS,
} from "../../provider/resources/sso-configuration";

const CERT = readFileSync(join(__dirname, "..", "fixtures", "idp-cert.pem"), "utf8");

/** Inputs tried per property; docs/reliability.md reports them. */
export const RUNS = 250;
const SEED = Number(process.env.FC_SEED ?? 20250611);

type Secret = "variable" | "literal";

interface BadProps<P> {
  readonly props: (stack: TerraformStack) => P;
  readonly attribute: string;
  readonly kind: string;
}

/** Synthesizes a stack holding one construct; the error message, or undefined when it passes. */
function synthError(make: (stack: TerraformStack) => void): string | undefined {
  const app = Testing.app();
  const stack = new TerraformStack(app, "stack");
  new CpqProvider(stack, "cpq", { baseUrl: "https://acme.bigmachines.com" });
  try {
    make(stack);
    app.synth();
    return undefined;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return e.message;
  }
}

let variables = 0;
const secret = (stack: TerraformStack, how: Secret) =>
  how === "literal"
    ? "literal-secret-value"
    : sensitiveVariable(stack, `secret_${++variables}`, "a secret");

/** A wrong primitive for a prop of type `t` (objects count as tokens and are not generated). */
function wrongPrimitive(t: "string" | "bool" | "number"): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [];
  if (t !== "string") options.push(fc.string({ minLength: 1, maxLength: 10 }));
  if (t !== "bool") options.push(fc.boolean());
  if (t !== "number") options.push(fc.integer());
  return fc.oneof(...options);
}

const SSO_PROPS: readonly [keyof SsoConfigurationProps, string, "string" | "bool" | "number"][] = [
  ["ssoMethod", "sso_method", "string"],
  ["samlIdpUrl", "saml_idp_url", "string"],
  ["samlIssuerUrl", "saml_issuer_url", "string"],
  ["idProviderCertificate", "id_provider_certificate", "string"],
  ["samlNeedRequestSigned", "saml_need_request_signed", "bool"],
  ["samlStorePassVersion", "saml_store_pass_wo_version", "number"],
  ["samlKeyPassVersion", "saml_key_pass_wo_version", "number"],
  ["requestedNameIdentifierFormat", "requested_name_identifier_format", "string"],
  ["samlLogoutUrl", "saml_logout_url", "string"],
  ["samlUserIdType", "saml_user_id_type", "string"],
  ["samlUserIdLocation", "saml_user_id_location", "string"],
  ["samlAttributeName", "saml_attribute_name", "string"],
  ["destroyBehavior", "destroy_behavior", "string"],
];

const SSO_ENUMS: readonly [keyof SsoConfigurationProps, string, readonly string[]][] = [
  ["ssoMethod", "sso_method", SSO_METHODS],
  ["samlUserIdType", "saml_user_id_type", SAML_USER_ID_TYPES],
  ["samlUserIdLocation", "saml_user_id_location", SAML_USER_ID_LOCATIONS],
  ["destroyBehavior", "destroy_behavior", DESTROY_BEHAVIORS],
];

type SsoBad = BadProps<SsoConfigurationProps>;

const ssoBad: fc.Arbitrary<SsoBad> = fc.oneof(
  fc.constantFrom(...SSO_PROPS).chain(([prop, attribute, t]) =>
    wrongPrimitive(t).map((v): SsoBad => ({
      props: () => ({ [prop]: v }) as SsoConfigurationProps,
      attribute,
      kind: "type",
    })),
  ),
  fc
    .tuple(fc.constantFrom(...SSO_ENUMS), fc.string({ maxLength: 20 }))
    .filter(([[, , values], s]) => !values.includes(s) && !s.includes("${"))
    .map(([[prop, attribute], s]): SsoBad => ({
      props: () => ({ [prop]: s }) as SsoConfigurationProps,
      attribute,
      kind: "enum",
    })),
  fc
    .tuple(
      fc.constantFrom("Federated Authentication", "Federated and Remote" as const),
      fc.constantFrom("samlIdpUrl", "idProviderCertificate"),
      fc.constantFrom(undefined, ""),
    )
    .map(([method, missing, empty]): SsoBad => ({
      props: () => {
        const p: Record<string, unknown> = {
          ssoMethod: method,
          samlIdpUrl: "https://idp.example.com/sso",
          idProviderCertificate: CERT,
        };
        if (empty === undefined) delete p[missing];
        else p[missing] = empty;
        return p as SsoConfigurationProps;
      },
      attribute: missing === "samlIdpUrl" ? "saml_idp_url" : "id_provider_certificate",
      kind: "federated without idp",
    })),
  fc.constantFrom(undefined, "").map((empty): SsoBad => ({
    props: () =>
      empty === undefined
        ? { samlUserIdLocation: "idLocationAttribute" }
        : { samlUserIdLocation: "idLocationAttribute", samlAttributeName: empty },
    attribute: "saml_attribute_name",
    kind: "attribute location without name",
  })),
  fc
    .constantFrom(
      ["samlRequestKeystore", "saml_request_keystore"] as const,
      ["samlStorePass", "saml_store_pass_wo"] as const,
      ["samlKeyPass", "saml_key_pass_wo"] as const,
    )
    .map(([missing, attribute]): SsoBad => ({
      props: (stack) => {
        const p: Record<string, unknown> = {
          samlNeedRequestSigned: true,
          samlRequestKeystore: secret(stack, "variable"),
          samlStorePass: secret(stack, "variable"),
          samlKeyPass: secret(stack, "variable"),
        };
        delete p[missing];
        return p as SsoConfigurationProps;
      },
      attribute,
      kind: "signed without keystore",
    })),
  fc
    .tuple(
      fc.constantFrom(
        ["samlStorePassVersion", "saml_store_pass_wo_version"] as const,
        ["samlKeyPassVersion", "saml_key_pass_wo_version"] as const,
      ),
      fc.nat(99),
    )
    .map(([[prop, attribute], n]): SsoBad => ({
      props: () => ({ [prop]: n }),
      attribute,
      kind: "version without secret",
    })),
  fc
    .constantFrom(
      ["samlRequestKeystore", "saml_request_keystore"] as const,
      ["samlStorePass", "saml_store_pass_wo"] as const,
      ["samlKeyPass", "saml_key_pass_wo"] as const,
    )
    .map(([prop, attribute]): SsoBad => ({
      props: (stack) => ({ [prop]: secret(stack, "literal") }),
      attribute,
      kind: "literal secret",
    })),
);

type UilBad = BadProps<UserIntegrationLoginProps>;
const UIL_BASE = { partyNumber: "1001", tab: "erp", login: "jdoe@erp.example.com" };

const uilBad: fc.Arbitrary<UilBad> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        ["partyNumber", "party_number", "string"] as const,
        ["userLogin", "user_login", "string"] as const,
        ["tab", "tab", "string"] as const,
        ["login", "login", "string"] as const,
        ["passwordVersion", "password_wo_version", "number"] as const,
        ["validateCredentials", "validate_credentials", "bool"] as const,
      ),
      fc.integer(),
      fc.boolean(),
      fc.string({ minLength: 1, maxLength: 8 }),
    )
    .map(([[prop, attribute, t], n, b, s]): UilBad => {
      const v = t === "number" ? s : t === "bool" ? n : b;
      const base: Record<string, unknown> = { ...UIL_BASE };
      if (prop === "userLogin") delete base.partyNumber;
      return {
        props: (stack) =>
          ({
            ...base,
            ...(prop === "passwordVersion" ? { password: secret(stack, "variable") } : {}),
            ...(prop === "validateCredentials" ? { password: secret(stack, "variable") } : {}),
            [prop]: v,
          }) as unknown as UserIntegrationLoginProps,
        attribute,
        kind: "type",
      };
    }),
  fc.constantFrom("login", "tab", "partyNumber").map((prop): UilBad => ({
    props: () => ({ ...UIL_BASE, [prop]: "" }),
    attribute: prop === "partyNumber" ? "party_number" : prop,
    kind: "empty",
  })),
  fc.constantFrom("", " ", "\t  ").map((login): UilBad => ({
    props: () => ({ ...UIL_BASE, userLogin: login }),
    attribute: "user_login",
    kind: "blank login beside the party number",
  })),
  fc.constant<UilBad>({
    props: () => ({ tab: "erp", login: "x" }),
    attribute: "party_number",
    kind: "no user",
  }),
  fc
    .tuple(
      fc.constantFrom(
        ["passwordVersion", "password_wo_version"] as const,
        ["securityTokenVersion", "security_token_wo_version"] as const,
      ),
      fc.nat(99),
    )
    .map(([[prop, attribute], n]): UilBad => ({
      props: () => ({ ...UIL_BASE, [prop]: n }),
      attribute,
      kind: "version without secret",
    })),
  fc.constant<UilBad>({
    props: () => ({ ...UIL_BASE, validateCredentials: true }),
    attribute: "validate_credentials",
    kind: "check without password",
  }),
  fc
    .constantFrom(
      ["password", "password_wo"] as const,
      ["securityToken", "security_token_wo"] as const,
    )
    .map(([prop, attribute]): UilBad => ({
      props: (stack) => ({ ...UIL_BASE, [prop]: secret(stack, "literal") }),
      attribute,
      kind: "literal secret",
    })),
);

let tried = 0;
afterAll(() => {
  process.stdout.write(`property-constructs inputs: ${tried}\n`);
});

describe("the constructs at synth under generated bad props", () => {
  it("fail SsoConfiguration's synth with a message naming the attribute", () => {
    fc.assert(
      fc.property(ssoBad, (bad) => {
        tried++;
        const message = synthError((stack) => new SsoConfiguration(stack, "sso", bad.props(stack)));
        if (message === undefined) throw new Error(`${bad.kind}: synth passed`);
        expect(message).toContain(`(${bad.attribute})`);
        expect(message).not.toContain("literal-secret-value");
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("fail UserIntegrationLogin's synth with a message naming the attribute", () => {
    fc.assert(
      fc.property(uilBad, (bad) => {
        tried++;
        const message = synthError(
          (stack) => new UserIntegrationLogin(stack, "login", bad.props(stack)),
        );
        if (message === undefined) throw new Error(`${bad.kind}: synth passed`);
        expect(message).toContain(`(${bad.attribute})`);
        expect(message).not.toContain("literal-secret-value");
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("synthesizes the same constructs when the props are good", () => {
    const ok = synthError((stack) => {
      new SsoConfiguration(stack, "sso", {
        ssoMethod: "Federated Authentication",
        samlIdpUrl: "https://idp.example.com/sso",
        idProviderCertificate: CERT,
        samlNeedRequestSigned: true,
        samlRequestKeystore: secret(stack, "variable"),
        samlStorePass: secret(stack, "variable"),
        samlKeyPass: secret(stack, "variable"),
      });
      new UserIntegrationLogin(stack, "login", {
        ...UIL_BASE,
        password: secret(stack, "variable"),
        validateCredentials: true,
      });
    });
    expect(ok).toBeUndefined();
  });
});
