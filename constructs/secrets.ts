/**
 * Secrets in constructs. A secret written as a literal would land in `cdk.tf.json` (and in every
 * CI artifact holding it), so secrets come from Terraform variables marked sensitive: the
 * synthesized JSON then holds only `${var.name}`, and the value arrives at plan time (e.g. from
 * `TF_VAR_name` in the pipeline's secret store).
 *
 * A variable made by {@link sensitiveVariable} is also ephemeral (Terraform 1.10+: its value is
 * saved neither in a plan file nor in state) from the moment it is made, unless it is given to an
 * attribute Terraform keeps in state. A secret that a saved plan would hold where it must not is
 * a synth error, never a silent leak.
 */
import type { Construct, IConstruct } from "constructs";
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformElement,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from "cdktf";
import type { CpqSecret } from "../provider/contract/write-only";
import { camel, snake } from "./diagnostics";

/**
 * A secret: a `TerraformVariable` marked `sensitive`, or a token that stands for one (its
 * `stringValue`). A literal string is refused at synth.
 */
export type SecretValue = TerraformVariable | string;

/**
 * A password kept in Terraform state (as a sensitive attribute) instead of being write-only.
 * Made by {@link storedInState}; see `SsoConfigurationProps.samlStorePass`.
 */
export interface StoredSecret {
  /** The secret, from a sensitive variable. */
  readonly storedInState: SecretValue;
}

/**
 * Marks a password to be sent as a stored-sensitive attribute (e.g. `saml_store_pass`) rather
 * than as a write-only one (`saml_store_pass_wo`, the default). Use it only with Terraform older
 * than 1.11, which has no write-only attributes: the value is then kept, redacted, in state.
 * Terraform refuses an ephemeral value there, so the variable must not be created with
 * `{ ephemeral: true }` (a synth error).
 */
export function storedInState(value: SecretValue): StoredSecret {
  return { storedInState: value };
}

/** Whether `v` is a {@link StoredSecret} rather than a plain secret. */
export function isStoredSecret(v: SecretValue | StoredSecret): v is StoredSecret {
  return typeof v === "object" && !isTerraformVariable(v) && "storedInState" in v;
}

/** A resource secret as a construct prop: the prop and the two Terraform attributes it maps to. */
export interface SecretProp<P extends string> {
  readonly prop: P;
  readonly storedAttribute: string;
  readonly woAttribute: string;
}

/**
 * The props of a resource's secrets, from the resource's own definitions (`cpqSecret`): the
 * construct names each prop (for its types), and a prop that does not match its secret fails at
 * load, so the two cannot drift apart.
 */
export function secretProps<P extends string>(
  secrets: readonly CpqSecret[],
  props: readonly P[],
): SecretProp<P>[] {
  return secrets.map((s, i) => {
    const prop = props[i];
    if (prop === undefined || camel(s.plain) !== prop) {
      throw new Error(
        `secret ${s.plain} is declared as prop ${String(prop)}, not ${camel(s.plain)}`,
      );
    }
    return { prop, storedAttribute: s.plain, woAttribute: s.wo };
  });
}

/**
 * The prop a Terraform attribute comes from, for messages: a secret's three attributes
 * (`x`, `x_wo`, `x_wo_version`) name its prop (`x`, `xVersion`), every other one its camelCase.
 */
export function propOfAttribute(secrets: readonly CpqSecret[]): (attribute: string) => string {
  return (attribute) => {
    for (const s of secrets) {
      if (attribute === s.plain || attribute === s.wo) return camel(s.plain);
      if (attribute === s.version) return `${camel(s.plain)}Version`;
    }
    return camel(attribute);
  };
}

/** Options of {@link sensitiveVariable}. */
export interface SensitiveVariableOptions {
  /**
   * Make the variable ephemeral (Terraform 1.10+, `ephemeral = true`): Terraform then saves its
   * value in no plan file and no state, and asks for it again at apply (so a pipeline that
   * applies a saved plan gives `TF_VAR_<id>` to the apply too). Terraform accepts an ephemeral
   * value only in write-only attributes (`*_wo`) and provider blocks.
   *
   * - `true`: always ephemeral. Using it in a stored attribute (`storedInState(...)`,
   *   `samlRequestKeystore`) is a synth error.
   * - `false`: never ephemeral: a plan file saved with `terraform plan -out` holds the value.
   *   Accepted in stored attributes and provider blocks (for Terraform older than 1.10); a
   *   write-only attribute refuses it at synth, since its value would then be in the plan file.
   *
   * @default - ephemeral from the moment the variable is made; a construct that is given it for
   * an attribute kept in state (`storedInState(...)`, `samlRequestKeystore`) makes it not
   * ephemeral there and then, since Terraform refuses an ephemeral value in such an attribute.
   */
  readonly ephemeral?: boolean;
}

/** How each variable made by sensitiveVariable chose to be ephemeral (undefined: the default). */
const ephemeralChoice = new WeakMap<IConstruct, boolean | undefined>();
/** The stored uses (construct path and attribute) that took a variable out of ephemerality. */
const storedUses = new WeakMap<IConstruct, string[]>();

/**
 * A string Terraform variable marked sensitive and non-nullable, for one secret. Give its value
 * at plan time, e.g. with the environment variable `TF_VAR_<id>`. It is ephemeral as
 * `options.ephemeral` says (by default: from the start, until it is used where Terraform keeps
 * the value in state).
 *
 * The choice is written into the variable when it is made and when a construct is given it, not
 * by an aspect at synth: it holds however the app runs synth and however this package was
 * installed.
 */
export function sensitiveVariable(
  scope: Construct,
  id: string,
  description: string,
  options: SensitiveVariableOptions = {},
): TerraformVariable {
  const variable = new TerraformVariable(scope, id, {
    type: "string",
    sensitive: true,
    nullable: false,
    description,
  });
  // Neither cdktf 0.21's nor cdktn 0.24's TerraformVariable has an `ephemeral` option: it is
  // written as an override.
  if (options.ephemeral !== false) variable.addOverride("ephemeral", true);
  ephemeralChoice.set(variable, options.ephemeral);
  return variable;
}

/** Where a construct puts a secret: what Terraform then does with its value. */
export type SecretUse =
  /** A write-only attribute (`*_wo`): the value must stay out of plan and state. */
  | "write-only"
  /** An attribute kept (sensitive) in state: Terraform refuses an ephemeral value there. */
  | "stored"
  /** A provider block: ephemeral accepted; a saved plan holds the value otherwise. */
  | "provider";

/**
 * Records that `attribute` of `scope` takes this secret. A stored use of a variable made by
 * {@link sensitiveVariable} with the default choice makes it not ephemeral now; everything else
 * is checked at synth by {@link secretProblem}.
 */
export function useSecret(
  scope: IConstruct,
  attribute: string,
  v: SecretValue,
  use: SecretUse,
): void {
  if (use !== "stored") return;
  for (const variable of variablesOf(scope, v)) {
    if (!ephemeralChoice.has(variable) || ephemeralChoice.get(variable) !== undefined) continue;
    (variable as TerraformVariable).addOverride("ephemeral", undefined);
    const uses = storedUses.get(variable) ?? [];
    uses.push(`"${scope.node.path}" (${attribute})`);
    storedUses.set(variable, uses);
  }
}

/** The token to put into the L1 configuration for a secret. */
export function secretToken(v: SecretValue): string {
  return typeof v === "string" ? v : v.stringValue;
}

/** A secret as a construct gives it: the prop, the attribute it goes to, and that attribute's use. */
export interface GivenSecret {
  readonly prop: string;
  readonly attribute: string;
  readonly value: SecretValue;
  readonly use: SecretUse;
}

/** A resource secret's prop as set: the token for its stored or its write-only attribute. */
export interface ResolvedSecret<P extends string> extends SecretProp<P> {
  /** Undefined when the prop is not set. */
  readonly given: GivenSecret | undefined;
  /** The token for `storedAttribute`, with `storedInState(...)`. */
  readonly stored: string | undefined;
  /** The token for `woAttribute`, without. */
  readonly writeOnly: string | undefined;
}

/**
 * The resource's secret props as set: each one, unless wrapped with `storedInState(...)`, goes to
 * its write-only attribute.
 */
export function resolveSecrets<P extends string>(
  secrets: readonly SecretProp<P>[],
  props: { readonly [K in P]?: SecretValue | StoredSecret },
): ResolvedSecret<P>[] {
  return secrets.map((s) => {
    const v: SecretValue | StoredSecret | undefined = props[s.prop];
    if (v === undefined) return { ...s, given: undefined, stored: undefined, writeOnly: undefined };
    if (isStoredSecret(v)) {
      const value = v.storedInState;
      const given = { prop: s.prop, attribute: s.storedAttribute, value, use: "stored" } as const;
      return { ...s, given, stored: secretToken(value), writeOnly: undefined };
    }
    const given = { prop: s.prop, attribute: s.woAttribute, value: v, use: "write-only" } as const;
    return { ...s, given, stored: undefined, writeOnly: secretToken(v) };
  });
}

/**
 * Records each secret's use now ({@link useSecret}) and returns the check to run at synth
 * ({@link secretProblem}), as validation messages `<prop> (<attribute>): <problem>`.
 */
export function useSecrets(
  scope: IConstruct,
  secrets: readonly (GivenSecret | undefined)[],
): () => string[] {
  const given = secrets.filter((s): s is GivenSecret => s !== undefined);
  for (const s of given) useSecret(scope, s.attribute, s.value, s.use);
  return () =>
    given.flatMap((s) => {
      const problem = secretProblem(scope, s.prop, s.value, s.use, s.attribute);
      return problem ? [`${s.prop} (${s.attribute}): ${problem}`] : [];
    });
}

/**
 * What is wrong with a secret, or undefined when nothing is. Called at validation time, when the
 * whole tree exists: a token is checked against the stack's variables, so a non-sensitive
 * variable is caught too; an ephemeral variable is refused where Terraform keeps the value in
 * state, and a variable that is not ephemeral where the value must stay out of a saved plan.
 * Never quotes the value.
 */
export function secretProblem(
  scope: IConstruct,
  prop: string,
  v: SecretValue,
  use: SecretUse,
  attribute: string,
): string | undefined {
  const fix = `Pass a TerraformVariable marked sensitive, e.g. sensitiveVariable(scope, "${snake(prop)}", "..."), and give its value at plan time (TF_VAR_${snake(prop)}).`;
  if (typeof v === "string" && !Token.isUnresolved(v)) {
    return `a literal string is not accepted: it would be written into cdk.tf.json. ${fix}`;
  }
  const direct = typeof v !== "string";
  const variables = variablesOf(scope, v);
  for (const variable of variables) {
    if (variableBody(variable).sensitive !== true) {
      return direct
        ? `the TerraformVariable "${variable.node.path}" is not marked sensitive, so Terraform would show the secret in plan output. Create it with sensitive: true. ${fix}`
        : `it refers to the TerraformVariable "${variable.node.path}", which is not marked sensitive. Create it with sensitive: true. ${fix}`;
    }
  }
  if (use === "stored") {
    const ephemeral = variables.find((x) => variableBody(x).ephemeral === true);
    return ephemeral === undefined
      ? undefined
      : `the TerraformVariable "${ephemeral.node.path}" is ephemeral, and Terraform refuses an ephemeral value in "${attribute}", which is kept in state. Use the write-only form (leave out storedInState(...)) where there is one, or create the variable with sensitiveVariable(scope, id, description, { ephemeral: false }).`;
  }
  if (variables.length === 0 && !/\bephemeral\./.test(JSON.stringify(resolve(scope, v)))) {
    return `it refers to no Terraform variable and no ephemeral resource, so nothing shows that its value stays out of a saved plan file. ${fix}`;
  }
  for (const variable of variables) {
    if (variableBody(variable).ephemeral === true) continue;
    const choice = ephemeralChoice.get(variable);
    if (use === "provider" && choice === false) continue;
    const why = `the TerraformVariable "${variable.node.path}" is not ephemeral, so a plan saved with \`terraform plan -out\` would hold its value`;
    const stored = storedUses.get(variable);
    if (stored !== undefined) {
      return `${why}: it is also given to ${stored.join(", ")}, which Terraform keeps in state and which therefore cannot take an ephemeral value. Give that use a variable of its own.`;
    }
    if (choice === false) {
      return `${why}: it was created with { ephemeral: false }, which a write-only attribute does not accept. Leave that option out.`;
    }
    return `${why}. Create it with sensitiveVariable(scope, id, description), which makes it ephemeral, or mark it ephemeral yourself (variable.addOverride("ephemeral", true)).`;
  }
  return undefined;
}

/**
 * Whether `x` is a Terraform variable, from any copy of cdktf or cdktn: by the element marker
 * the frameworks share (a `Symbol.for`) and the shape of its JSON, never by `instanceof`, which
 * fails when the app and this package load different copies.
 */
export function isTerraformVariable(x: unknown): x is TerraformVariable {
  if (typeof x !== "object" || x === null || !TerraformElement.isTerraformElement(x)) return false;
  const e = x as unknown as { stringValue?: unknown; toTerraform?: () => unknown };
  return (
    typeof e.stringValue === "string" &&
    typeof e.toTerraform === "function" &&
    typeof (e.toTerraform() as { variable?: unknown }).variable === "object"
  );
}

/** The variable's own block, as in `cdk.tf.json` (with its overrides, e.g. `ephemeral`). */
function variableBody(v: TerraformVariable): { sensitive?: unknown; ephemeral?: unknown } {
  const tf = resolve(v, v.toTerraform()) as { variable?: Record<string, Record<string, unknown>> };
  return tf.variable?.[v.friendlyUniqueId] ?? {};
}

/** The variables a secret is, or refers to. */
function variablesOf(scope: IConstruct, v: SecretValue): TerraformVariable[] {
  if (typeof v !== "string") return [v];
  return variablesNamed(TerraformStack.of(scope), variableNames(JSON.stringify(resolve(scope, v))));
}

/** Each stack's variables by Terraform name; rebuilt when a name is missing (a newer variable). */
const variablesByName = new WeakMap<TerraformStack, Map<string, TerraformVariable>>();

/**
 * The stack's variables with these names. Indexed once, not searched per secret: a stack with
 * thousands of secrets would otherwise walk the whole tree thousands of times at synth.
 */
function variablesNamed(stack: TerraformStack, names: readonly string[]): TerraformVariable[] {
  let index = variablesByName.get(stack);
  if (index === undefined || names.some((n) => !index?.has(n))) {
    index = new Map(
      stack.node
        .findAll()
        .filter(isTerraformVariable)
        .map((c) => [c.friendlyUniqueId, c]),
    );
    variablesByName.set(stack, index);
  }
  const found = index;
  return [...new Set(names)].flatMap((n) => found.get(n) ?? []);
}

/** Names of the variables referred to (`var.<name>`) in a resolved configuration's text. */
function variableNames(text: string): string[] {
  return [...text.matchAll(/\bvar\.([A-Za-z_][\w-]*)/g)].map((m) => m[1] ?? "");
}

function resolve(scope: IConstruct, value: unknown): unknown {
  return Tokenization.resolve(value, {
    scope,
    resolver: new DefaultTokenResolver(new StringConcat()),
    preparing: false,
  });
}
