/**
 * What the plugin enforces on every resource's plan from the attribute table alone, so that no
 * resource has to repeat it and none can get it wrong: write-only attributes planned null, the
 * table's `forceNew` rows as requires-replace paths, computed attributes unknown where their
 * `inputs` change, and Terraform's rules on planned values.
 *
 * Terraform checks the last itself and, when a plan breaks them, stops with "Provider produced
 * invalid plan ... This is a bug in the provider", naming neither the cause nor a way on. The plugin
 * checks first and says which attribute of which resource, in words a user can act on.
 *
 * A broken rule is always refused, never corrected, even for `optional_computed` attributes: a
 * corrected value is one the resource's plan did not reason about (what the apply sends, what the
 * review comment says it replaces), so an apply of it could do what no plan showed.
 */
import type { Attribute, Diagnostic, ObjectValue, Value } from "../contract/types";
import { UNKNOWN } from "../contract/types";
import { forceNewChanges, sameValue } from "../contract/attributes";

/** Whether a value is known throughout: not unknown, and no unknown entry in a map. */
function whollyKnown(v: Value | undefined): boolean {
  if (v === UNKNOWN) return false;
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    return !Object.values(v).includes(UNKNOWN);
  }
  return true;
}

/**
 * Terraform's proposed object as the resource receives it: each computed attribute with
 * `inputs` unknown on a create, or where an input is unknown or differs from the prior state. The
 * resource plans a new value where it can work one out; what it leaves is known after apply.
 */
export function withDerivedUnknown(
  proposed: ObjectValue,
  attributes: readonly Attribute[],
  prior: ObjectValue | null,
): ObjectValue {
  const out: ObjectValue = { ...proposed };
  for (const a of attributes) {
    if (a.kind !== "computed" || !a.inputs) continue;
    const changed =
      prior === null ||
      a.inputs.some(
        (i) => !whollyKnown(proposed[i]) || !sameValue(proposed[i] ?? null, prior[i] ?? null),
      );
    if (changed) out[a.name] = UNKNOWN;
  }
  return out;
}

/**
 * The planned object with each computed attribute with `inputs` unknown while one of them is
 * unknown in the plan: a value derived from one known only after apply is known only then.
 */
export function withUnknownWhereInputsAre(
  planned: ObjectValue,
  attributes: readonly Attribute[],
): ObjectValue {
  const out: ObjectValue = { ...planned };
  for (const a of attributes) {
    if (a.kind !== "computed" || !a.inputs) continue;
    if (a.inputs.some((i) => !whollyKnown(planned[i]))) out[a.name] = UNKNOWN;
  }
  return out;
}

/** The planned object with every write-only attribute null (Terraform refuses any other). */
export function withWriteOnlyNull(
  planned: ObjectValue,
  attributes: readonly Attribute[],
): ObjectValue {
  const out: ObjectValue = { ...planned };
  for (const a of attributes) if (a.writeOnly) out[a.name] = null;
  return out;
}

/**
 * The requires-replace paths of a plan: the table's `forceNew` attributes that change, and those
 * the resource adds for its own conditions; each path once, in table order first.
 */
export function replacePaths(
  attributes: readonly Attribute[],
  prior: ObjectValue | null,
  planned: ObjectValue,
  fromResource: readonly (readonly string[])[] | undefined,
): string[][] {
  const out = forceNewChanges(attributes, prior, planned);
  const seen = new Set(out.map((p) => JSON.stringify(p)));
  for (const p of fromResource ?? []) {
    const key = JSON.stringify(p);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([...p]);
  }
  return out;
}

/** How a value is described in a message: never the value itself (it may be a secret). */
function shape(v: Value | undefined): string {
  if (v === UNKNOWN) return "a value known only after apply";
  if (v === null || v === undefined) return "null";
  if (typeof v === "object" && !Array.isArray(v) && Object.values(v).includes(UNKNOWN)) {
    return "a map with entries known only after apply";
  }
  return "a known value";
}

/**
 * The attributes of a plan that break Terraform's rules, one error each naming the resource and
 * the attribute: a value known in the configuration must be planned exactly as configured, one
 * unknown in the configuration must stay unknown, and a null in the configuration of an attribute
 * the provider does not compute must stay null. Computed-only attributes may be anything, and so
 * may an `optional_computed` one the configuration leaves null. Write-only attributes are nulled
 * before this check (see {@link withWriteOnlyNull}).
 */
export function planRuleViolations(
  typeName: string,
  attributes: readonly Attribute[],
  config: ObjectValue,
  planned: ObjectValue,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const a of attributes) {
    if (a.kind === "computed" || a.writeOnly) continue;
    const configured = config[a.name] ?? null;
    const plannedValue = planned[a.name] ?? null;
    if (configured === null && a.kind === "optional_computed") continue;
    if (sameValue(configured, plannedValue)) continue;
    out.push({
      severity: "error",
      summary: `The cpq provider planned "${a.name}" of ${typeName} otherwise than configured`,
      detail:
        `The configuration gives "${a.name}" ${shape(configured)}, and the provider planned ${shape(plannedValue)}. ` +
        "Terraform requires a configured value to be planned exactly as written, and one known only after apply to stay unknown in the plan. " +
        "This is a bug in the cpq provider, not in your configuration: please report it with this message. Nothing was changed. " +
        `Until it is fixed, giving "${a.name}" a value known at plan time may avoid it.`,
      path: [a.name],
    });
  }
  return out;
}
