// Props the constructs do not have (a typo such as samlIssuerURL) fail synth, naming the prop and
// the nearest known one: JavaScript apps and apps run by tsx are not type-checked, and the value
// would otherwise be dropped silently. The known props are the props each constructor reads, so
// the last tests hold every constructor to reading each prop its interface declares.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import ts from "typescript";
import * as constructs from "../../constructs";
import {
  CpqProvider,
  OAuthProvider,
  ServiceProviderMetadata,
  SsoConfiguration,
  UserIntegrationLogin,
  UserIntegrationLogins,
  UserSso,
} from "../../constructs";
import { synthApp } from "../support/synth-example";
import { FIXTURES, newStack, synthJson, validationError } from "./helpers";

type AnyConstruct = new (scope: Construct, id: string, props: never) => Construct;

/** Each construct with the props it needs, and nothing else. */
const MINIMAL: Record<string, { readonly make: AnyConstruct; readonly props: object }> = {
  CpqProvider: { make: CpqProvider, props: { alias: "other" } },
  SsoConfiguration: { make: SsoConfiguration, props: {} },
  UserIntegrationLogin: {
    make: UserIntegrationLogin,
    props: { userLogin: "jdoe", tab: "crm", login: "john.doe@example.com" },
  },
  UserIntegrationLogins: { make: UserIntegrationLogins, props: { tab: "idp", logins: {} } },
  UserSso: { make: UserSso, props: { userLogin: "jdoe" } },
  ServiceProviderMetadata: { make: ServiceProviderMetadata, props: {} },
  OAuthProvider: {
    make: OAuthProvider,
    props: { vendorName: "IDCS", loginEndpoint: "https://idcs.example.com" },
  },
};

describe("a prop a construct does not have", () => {
  it.each([
    ["CpqProvider", "baseURL", "baseUrl"],
    ["SsoConfiguration", "samlIssuerURL", "samlIssuerUrl"],
    ["UserIntegrationLogin", "validateCredential", "validateCredentials"],
    ["UserIntegrationLogins", "exlusive", "exclusive"],
    ["UserSso", "enabledForSSO", "enabledForSso"],
    ["ServiceProviderMetadata", "outputsPrefix", "outputPrefix"],
    ["OAuthProvider", "tokenEndPoint", "tokenEndpoint"],
  ])("fails synth of %s, naming %s and the nearest prop, %s", (name, typo, nearest) => {
    const stack = newStack();
    const { make, props } = MINIMAL[name]!;
    new make(stack, "x", { ...props, [typo]: "value" } as never);
    const error = validationError(stack);
    expect(error).toContain(
      `[stack/x] ${typo}: ${name} has no prop "${typo}"; did you mean ${nearest}?`,
    );
  });

  it("lists the props when none is near", () => {
    const stack = newStack();
    new UserSso(stack, "x", { userLogin: "jdoe", colour: "blue" } as never);
    expect(validationError(stack)).toContain(
      '[stack/x] colour: UserSso has no prop "colour"; its props are: dependsOn, enabledForSso, externalSsoId, oauthProvider, partyNumber, provider, userLogin.',
    );
  });

  it("fails synth of an entry of fromList, naming the construct the entry became", () => {
    const stack = newStack();
    UserSso.fromList(stack, [{ userLogin: "jdoe", externalSSOId: "E1" } as never]);
    expect(validationError(stack)).toContain(
      '[stack/sso_jdoe] externalSSOId: UserSso has no prop "externalSSOId"; did you mean externalSsoId?',
    );
  });

  it("leaves the props a construct has alone, and synthesizes them", () => {
    const stack = newStack();
    new SsoConfiguration(stack, "sso", {
      ssoMethod: "None",
      samlIssuerUrl: "https://acme.bigmachines.com/saml",
    });
    expect(validationError(stack)).toBeUndefined();
    const sso = (synthJson(stack).resource as Record<string, Record<string, unknown>>)
      .cpq_sso_configuration as Record<string, Record<string, unknown>>;
    expect(sso.sso!.saml_issuer_url).toBe("https://acme.bigmachines.com/saml");
  });

  it("fails synth of a tiny app run by tsx, which does not type-check, with the nearest name", () => {
    const out = mkdtempSync(join(tmpdir(), "cpq-typo-app-"));
    try {
      const run = synthApp(join(FIXTURES, "apps", "typo-prop.ts"), out);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        '[typo/sso] samlIssuerURL: SsoConfiguration has no prop "samlIssuerURL"; did you mean samlIssuerUrl?',
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

/** The props each exported construct's props interface declares, read by the TypeScript compiler. */
function declaredProps(): Map<string, string[]> {
  const index = join(__dirname, "..", "..", "constructs", "index.ts");
  const program = ts.createProgram([index], {
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    noEmit: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(index)!;
  const out = new Map<string, string[]>();
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
    const declaration = symbol.valueDeclaration!;
    const signature = checker
      .getTypeOfSymbolAtLocation(symbol, declaration)
      .getConstructSignatures()[0];
    const propsParameter = signature?.parameters[2];
    if (propsParameter === undefined) continue;
    const type = checker.getNonNullableType(
      checker.getTypeOfSymbolAtLocation(propsParameter, declaration),
    );
    out.set(
      symbol.name,
      checker.getPropertiesOfType(type).map((p) => p.name),
    );
  }
  return out;
}

describe("the props a construct knows", () => {
  const declared = declaredProps();

  it("are checked for every exported construct with props", () => {
    expect([...declared.keys()].sort()).toEqual(Object.keys(MINIMAL).sort());
    expect(Object.keys(constructs)).toEqual(expect.arrayContaining(Object.keys(MINIMAL)));
  });

  it.each(Object.keys(MINIMAL))(
    "are every prop %s's interface declares: its constructor reads each one, set or not",
    (name) => {
      const stack: TerraformStack = newStack();
      const { make, props } = MINIMAL[name]!;
      const read = new Set<string>();
      const spy = new Proxy(props, {
        get(target, key, receiver) {
          if (typeof key === "string") read.add(key);
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
      expect(declared.get(name)!.length).toBeGreaterThanOrEqual(4);
      new make(stack, "x", spy as never);
      stack.runAllValidations();
      expect([...read].sort()).toEqual(expect.arrayContaining(declared.get(name)!));
    },
  );
});
