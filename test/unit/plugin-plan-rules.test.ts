/**
 * What the plugin layer enforces on every resource's plan from the attribute table alone, shown
 * over every registered resource's table: a plan that breaks Terraform's rules (a configured value
 * planned otherwise, an unknown one planned known, a null one of an attribute the provider does not
 * compute planned set) is refused with an error naming the resource and the attribute, and a plan
 * that keeps them is passed on unchanged with write-only attributes null; a `forceNew` row forces
 * replacement with no code in the resource, and so does an `inputs` row plan its attribute
 * unknown where an input changes; a destroy reaches the resource's `destroy` only; and
 * validation checks the table before, and instead of, the resource's own rules.
 *
 * The resources here keep their real tables and have stand-in plans (the plan a buggy resource
 * could make), so no site is needed. That the real resources' plans keep the rules is shown
 * against the simulator in test/integration/provider-service.test.ts.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { cpqProvider } from "../../provider/provider";
import type {
  Attribute,
  ObjectValue,
  ProviderDefinition,
  ResourceDefinition,
} from "../../provider/contract/types";
import { UNKNOWN } from "../../provider/contract/types";
import { tfplugin6 } from "../../provider/plugin/codec";
import { UNK, mp, unmp, wire } from "../support/cty-msgpack";
import { createLogger } from "../../provider/plugin/log";
import { ProviderService } from "../../provider/plugin/provider-service";

const SEED = Number(process.env.FC_SEED ?? 250_125);

// ---- values: msgpack as go-cty writes it (test/support/cty-msgpack.ts) --------------------------

/** The provider's UNKNOWN for the test's, through a value (the stand-in plans speak the contract). */
function toContract(v: unknown): ObjectValue[string] {
  if (v === UNK) return UNKNOWN;
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).map(([k, e]) => [k, e === UNK ? UNKNOWN : (e as string | null)]),
    );
  }
  return v as ObjectValue[string];
}

// ---- a provider whose resources keep their tables and plan what the test says ------------------

type Plan = (req: Parameters<ResourceDefinition["plan"]>[0]) => ObjectValue;

function serviceWith(resources: readonly ResourceDefinition[]): ProviderService {
  const def: ProviderDefinition = {
    typeName: "cpq",
    attributes: [],
    validate: () => [],
    configure: () => Promise.resolve({ ctx: {}, diagnostics: [] }),
    resources: () => resources,
    dataSources: () => [],
    functions: () => [],
  };
  return new ProviderService(def, { logger: createLogger("test", () => undefined) });
}

async function configured(resources: readonly ResourceDefinition[]): Promise<ProviderService> {
  const svc = serviceWith(resources);
  const res = await svc.ConfigureProvider(
    wire(tfplugin6.ConfigureProvider.Request, { terraformVersion: "1.11.4", config: mp({}) }),
  );
  expect(res.diagnostics).toEqual([]);
  return svc;
}

/** The real resource with its table (possibly edited) and a plan of the test's own. */
function standIn(r: ResourceDefinition, plan: Plan, attributes = r.attributes): ResourceDefinition {
  return {
    ...r,
    attributes,
    plan: (req) => Promise.resolve({ planned: plan(req) }),
    apply: () => Promise.reject(new Error("apply is not part of these tests")),
  };
}

/**
 * Terraform's proposed new state for a create: the configuration, with every attribute the
 * provider may compute that the configuration leaves null unknown, and write-only ones null.
 */
function proposedOf(attrs: readonly Attribute[], config: Record<string, unknown>) {
  return Object.fromEntries(
    attrs.map((a) => {
      const v = config[a.name] ?? null;
      if (a.writeOnly) return [a.name, null];
      if (v === null && (a.kind === "computed" || a.kind === "optional_computed")) {
        return [a.name, UNK];
      }
      return [a.name, v];
    }),
  );
}

async function planThrough(
  svc: ProviderService,
  typeName: string,
  attrs: readonly Attribute[],
  prior: Record<string, unknown> | null,
  config: Record<string, unknown>,
) {
  const full = Object.fromEntries(attrs.map((a) => [a.name, config[a.name] ?? null]));
  return wire(
    tfplugin6.PlanResourceChange.Response,
    await svc.PlanResourceChange(
      wire(tfplugin6.PlanResourceChange.Request, {
        typeName,
        priorState: mp(prior),
        proposedNewState: mp(prior === null ? proposedOf(attrs, full) : full),
        config: mp(full),
        clientCapabilities: { writeOnlyAttributesAllowed: true },
      }),
    ),
  );
}

// ---- values of a table's attributes ------------------------------------------------------------

/** A known value of the attribute's type (a map may hold unknown entries). */
function knownOf(a: Attribute): fc.Arbitrary<unknown> {
  if (a.enum) return fc.constantFrom(...a.enum);
  if (a.type === "bool") return fc.boolean();
  if (a.type === "number") return fc.integer({ min: 0, max: 3 });
  if (a.type === "string") return fc.constantFrom("a", "b", "1001");
  if ("map" in a.type) {
    // A plain object, as msgpack decodes one (fast-check's have no prototype).
    return fc
      .dictionary(fc.constantFrom("jdoe", "asmith"), fc.constantFrom("x", "y", UNK), {
        maxKeys: 2,
      })
      .map((d) => ({ ...d }));
  }
  return fc.constant([]);
}

/** Null, unknown or known: what a configuration (or a careless plan) may hold for it. */
const anyOf = (a: Attribute): fc.Arbitrary<unknown> =>
  fc.oneof(fc.constant(null), fc.constant(UNK), knownOf(a));

const settable = (a: Attribute): boolean => a.kind !== "computed";

/** Terraform's rule, written out again here: which attributes a planned object breaks. */
function breaking(
  attrs: readonly Attribute[],
  config: Record<string, unknown>,
  planned: Record<string, unknown>,
): string[] {
  return attrs
    .filter((a) => settable(a) && !a.writeOnly)
    .filter((a) => {
      const c = config[a.name] ?? null;
      if (c === null && a.kind === "optional_computed") return false;
      return !isDeepStrictEqual(c, planned[a.name] ?? null);
    })
    .map((a) => a.name);
}

const RESOURCES = cpqProvider.resources() as readonly ResourceDefinition[];

describe("the plugin holds every resource's plan to Terraform's rules", () => {
  const errors = (r: tfplugin6.PlanResourceChange.Response) =>
    (r.diagnostics ?? []).filter((d) => d.severity === tfplugin6.Diagnostic.Severity.ERROR);

  it.each(RESOURCES.map((r) => [r.typeName, r] as const))(
    "refuses a %s plan that changes a configured or unknown value, naming each attribute, and passes one that keeps them",
    async (typeName, r) => {
      const attrs = r.attributes;
      const configArb = fc.record(
        Object.fromEntries(attrs.map((a) => [a.name, settable(a) ? anyOf(a) : fc.constant(null)])),
      );
      // Per attribute, the plan keeps the configured value or makes up one of its own.
      const choiceArb = fc.record(
        Object.fromEntries(attrs.map((a) => [a.name, fc.option(anyOf(a), { freq: 2 })])),
      );
      await fc.assert(
        fc.asyncProperty(configArb, choiceArb, async (config, choice) => {
          const planned: Record<string, unknown> = Object.fromEntries(
            attrs.map((a) => [a.name, choice[a.name] === null ? config[a.name] : choice[a.name]]),
          );
          const svc = await configured([
            standIn(r, () =>
              Object.fromEntries(attrs.map((a) => [a.name, toContract(planned[a.name])])),
            ),
          ]);
          const res = await planThrough(svc, typeName, attrs, null, config);
          const expected = breaking(attrs, config, planned);
          const refused = errors(res);
          if (expected.length === 0) {
            expect(refused).toEqual([]);
            const out = unmp(res.plannedState) as Record<string, unknown>;
            // A computed attribute derived from an input the plan leaves unknown is unknown.
            const inputUnknown = (a: Attribute): boolean =>
              (a.inputs ?? []).some((i) => {
                const v = planned[i];
                return (
                  v === UNK ||
                  (v !== null && typeof v === "object" && Object.values(v).includes(UNK))
                );
              });
            for (const a of attrs) {
              const want = a.writeOnly ? null : inputUnknown(a) ? UNK : planned[a.name];
              expect([a.name, out[a.name]]).toEqual([a.name, want]);
            }
          } else {
            expect(refused.map((d) => d.attribute?.steps?.[0]?.attributeName)).toEqual(expected);
            for (const d of refused) {
              expect(d.summary).toContain(typeName);
              expect(d.detail).toContain("This is a bug in the cpq provider");
            }
          }
        }),
        { numRuns: 150, seed: SEED },
      );
    },
  );

  it("refuses the plan of the unknown-party_number bug: party_number planned known where the configuration has it unknown", async () => {
    const r = RESOURCES.find((d) => d.typeName === "cpq_user_integration_login")!;
    const svc = await configured([
      standIn(r, ({ proposed }) => ({ ...proposed, party_number: "1001", id: "1001/idp" })),
    ]);
    const config = { party_number: UNK, user_login: "jdoe", tab: "idp", login: "jdoe@idcs" };
    const res = await planThrough(svc, r.typeName, r.attributes, null, config);
    expect(errors(res).map((d) => [d.summary, d.attribute?.steps?.[0]?.attributeName])).toEqual([
      [
        'The cpq provider planned "party_number" of cpq_user_integration_login otherwise than configured',
        "party_number",
      ],
    ]);
    expect(errors(res)[0]?.detail).toContain(
      'The configuration gives "party_number" a value known only after apply, and the provider planned a known value.',
    );
  });

  it("never repeats a value in the refusal, so a secret planned where it does not belong stays out of it", async () => {
    const r = RESOURCES.find((d) => d.typeName === "cpq_user_integration_login")!;
    const secret = "canary-plan-rules-secret-5be1";
    const svc = await configured([
      standIn(r, ({ proposed }) => ({ ...proposed, password: secret })),
    ]);
    const config = { party_number: "1001", tab: "erp", login: "j@erp", password: "other" };
    const res = await planThrough(svc, r.typeName, r.attributes, null, config);
    expect(errors(res)).toHaveLength(1);
    expect(JSON.stringify(res.diagnostics)).not.toContain(secret);
  });
});

describe("a table's forceNew row forces replacement with no code in the resource", () => {
  /** Every attribute a user sets and Terraform stores, per resource: each may be flagged. */
  const cases = RESOURCES.flatMap((r) =>
    r.attributes.filter((a) => settable(a) && !a.writeOnly).map((a) => [r, a] as const),
  );

  it("replaces when a flagged attribute changes, and updates in place when the same row is not flagged", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases),
        fc.boolean(),
        fc.gen(),
        async ([r, attr], flagged, gen) => {
          const before = gen(() => knownOf(attr));
          const after = gen(() => knownOf(attr).filter((v) => !isDeepStrictEqual(v, before)));
          // The table as the resource file would hold it with the row flagged (or not): nothing else.
          const attributes = r.attributes.map((a) =>
            a.name === attr.name ? { ...a, forceNew: flagged } : { ...a, forceNew: false },
          );
          // The resource plans the configuration as proposed, and says nothing of replacement.
          const svc = await configured([standIn(r, ({ proposed }) => proposed, attributes)]);
          const prior = Object.fromEntries(
            attributes.map((a) => [a.name, a.name === attr.name ? before : null]),
          );
          const res = await planThrough(svc, r.typeName, attributes, prior, {
            ...prior,
            [attr.name]: after,
          });
          expect(res.diagnostics).toEqual([]);
          const paths = (res.requiresReplace ?? []).map((p) =>
            (p.steps ?? []).map((s) => s.attributeName),
          );
          expect(paths).toEqual(flagged ? [[attr.name]] : []);
        },
      ),
      { numRuns: 100, seed: SEED },
    );
  });

  it("keeps a resource's own replacement beside the table's, each path once", async () => {
    const r = RESOURCES.find((d) => d.typeName === "cpq_user_integration_login")!;
    const svc = await configured([
      {
        ...standIn(r, ({ proposed }) => proposed),
        plan: ({ proposed }) =>
          Promise.resolve({ planned: proposed, requiresReplace: [["login"], ["tab"]] }),
      },
    ]);
    const prior = { id: "1001/idp", party_number: "1001", tab: "idp", login: "a" };
    const res = await planThrough(svc, r.typeName, r.attributes, prior, {
      ...prior,
      tab: "erp",
      login: "b",
    });
    expect(
      (res.requiresReplace ?? []).map((p) => (p.steps ?? []).map((s) => s.attributeName)),
    ).toEqual([["tab"], ["login"]]);
  });
});

describe("a table's inputs row plans a derived attribute unknown with no code in the resource", () => {
  /** Every computed attribute, with every attribute a user sets and Terraform stores as its input. */
  const cases = RESOURCES.flatMap((r) =>
    r.attributes
      .filter((a) => a.kind === "computed")
      .flatMap((derived) =>
        r.attributes
          .filter((a) => settable(a) && !a.writeOnly)
          .map((input) => [r, derived, input] as const),
      ),
  );

  it("plans it unknown where its input changes or is unknown, and keeps it where the row names no input", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases),
        fc.boolean(),
        fc.boolean(),
        fc.gen(),
        async ([r, derived, input], flagged, unknownInput, gen) => {
          const before = gen(() => knownOf(input));
          const after = unknownInput
            ? UNK
            : gen(() => knownOf(input).filter((v) => !isDeepStrictEqual(v, before)));
          const kept = gen(() => knownOf(derived));
          // The table as the resource file would hold it with the row given inputs (or not).
          const attributes: Attribute[] = r.attributes.map(({ inputs: _inputs, ...a }) =>
            a.name === derived.name && flagged
              ? { ...a, inputs: [input.name] }
              : { ...a, forceNew: false },
          );
          // The resource plans the proposed object as it comes, and works nothing out.
          const svc = await configured([standIn(r, ({ proposed }) => proposed, attributes)]);
          const prior = Object.fromEntries(
            attributes.map((a) => [
              a.name,
              a.name === input.name ? before : a.name === derived.name ? kept : null,
            ]),
          );
          const res = await planThrough(svc, r.typeName, attributes, prior, {
            ...prior,
            [input.name]: after,
          });
          expect(res.diagnostics).toEqual([]);
          const out = unmp(res.plannedState) as Record<string, unknown>;
          expect(out[derived.name]).toEqual(flagged ? UNK : kept);
        },
      ),
      { numRuns: 100, seed: SEED },
    );
  });

  it.each(RESOURCES.map((r) => [r.typeName, r] as const))(
    "names in each inputs row of %s only computed attributes' inputs its own table holds",
    (_typeName, r) => {
      const names = new Set(r.attributes.map((a) => a.name));
      for (const a of r.attributes.filter((x) => x.inputs)) {
        expect([a.name, a.kind]).toEqual([a.name, "computed"]);
        for (const i of a.inputs!) expect([a.name, names.has(i)]).toEqual([a.name, true]);
      }
    },
  );

  it("keeps the value a resource works out from a changed input, and keeps it when nothing changed", async () => {
    const r = RESOURCES.find((d) => d.typeName === "cpq_sso_configuration")!;
    const worksItOut = standIn(r, ({ proposed }) => ({
      ...proposed,
      certificate_subject:
        proposed.id_provider_certificate === "new" ? "CN=new" : proposed.certificate_subject!,
    }));
    const svc = await configured([worksItOut]);
    const prior = Object.fromEntries(r.attributes.map((a) => [a.name, null]));
    Object.assign(prior, {
      id: "sso",
      id_provider_certificate: "old",
      certificate_subject: "CN=old",
      certificate_not_after: "2030-01-01T00:00:00Z",
    });
    const changed = await planThrough(svc, r.typeName, r.attributes, prior, {
      ...prior,
      id_provider_certificate: "new",
    });
    expect(unmp(changed.plannedState)).toMatchObject({
      certificate_subject: "CN=new",
      certificate_not_after: UNK,
    });
    const same = await planThrough(svc, r.typeName, r.attributes, prior, prior);
    expect(unmp(same.plannedState)).toMatchObject({
      certificate_subject: "CN=old",
      certificate_not_after: "2030-01-01T00:00:00Z",
    });
  });
});

describe("a destroy is dispatched once, by the plugin", () => {
  it.each(RESOURCES.map((r) => [r.typeName, r] as const))(
    "sends the destroy of %s to its destroy, never to its apply, and forgets the object",
    async (typeName, r) => {
      const seen: unknown[] = [];
      const svc = await configured([
        {
          ...standIn(r, ({ proposed }) => proposed),
          destroy: ({ prior }) => {
            seen.push(prior.id);
            return Promise.resolve({ state: prior });
          },
        },
      ]);
      const prior: Record<string, unknown> = Object.fromEntries(
        r.attributes.map((a) => [a.name, null]),
      );
      prior.id = "the-id";
      const res = wire(
        tfplugin6.ApplyResourceChange.Response,
        await svc.ApplyResourceChange(
          wire(tfplugin6.ApplyResourceChange.Request, {
            typeName,
            priorState: mp(prior),
            plannedState: mp(null),
            config: mp(null),
          }),
        ),
      );
      expect(res.diagnostics).toEqual([]);
      expect(seen).toEqual(["the-id"]);
      expect(unmp(res.newState)).toBeNull();
    },
  );
});

describe("validation runs the table first, in the plugin, then the resource's own rules", () => {
  const validateThrough = async (svc: ProviderService, r: ResourceDefinition, config: object) =>
    wire(
      tfplugin6.ValidateResourceConfig.Response,
      await svc.ValidateResourceConfig(
        wire(tfplugin6.ValidateResourceConfig.Request, {
          typeName: r.typeName,
          config: mp({ ...Object.fromEntries(r.attributes.map((a) => [a.name, null])), ...config }),
          clientCapabilities: { writeOnlyAttributesAllowed: true },
        }),
      ),
    );

  it.each(RESOURCES.map((r) => [r.typeName, r] as const))(
    "refuses a value outside %s's table with no code in the resource, and runs its rules only on what the table accepts",
    async (_typeName, r) => {
      const calls: unknown[] = [];
      const rules: ResourceDefinition = {
        ...r,
        validate: (config) => {
          calls.push(config);
          return [{ severity: "warning", summary: "the resource's rule ran", path: ["id"] }];
        },
      };
      const svc = serviceWith([rules]);
      // A computed string configured (as through a module's override): the table's business alone.
      const victim = r.attributes.find((a) => a.kind === "computed" && a.type === "string")!;
      const refused = await validateThrough(svc, rules, { [victim.name]: "set" });
      expect(
        refused.diagnostics?.map((d) => [d.summary, d.attribute?.steps?.[0]?.attributeName]),
      ).toEqual([[`Attribute "${victim.name}" is read-only`, victim.name]]);
      expect(calls).toEqual([]);
      // A resource that declares no rules of its own is still held to its table.
      const bare: ResourceDefinition = { ...r };
      delete (bare as { validate?: unknown }).validate;
      const bareRes = await validateThrough(serviceWith([bare]), bare, { [victim.name]: "set" });
      expect(bareRes.diagnostics?.map((d) => d.attribute?.steps?.[0]?.attributeName)).toEqual([
        victim.name,
      ]);
      const accepted = await validateThrough(svc, rules, {});
      expect(accepted.diagnostics?.map((d) => d.summary)).toEqual(["the resource's rule ran"]);
      expect(calls).toHaveLength(1);
    },
  );
});
