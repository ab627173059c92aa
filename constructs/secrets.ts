/**
 * Secrets in constructs. A secret written as a literal would land in `cdk.tf.json` (and in every
 * CI artifact holding it), so secrets come from Terraform variables marked sensitive: the
 * synthesized JSON then holds only `${var.name}`, and the value arrives at plan time (e.g. from
 * `TF_VAR_name` in the pipeline's secret store).
 *
 * A variable made by {@link sensitiveVariable} is also made ephemeral (Terraform 1.10+: its value
 * is saved neither in a plan file nor in state) when every use of it accepts an ephemeral value.
 */
import type { Construct, IConstruct } from "constructs";
import {
  Aspects,
  DefaultTokenResolver,
  StringConcat,
  TerraformElement,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from "cdktf";
import type { IAspect } from "cdktf";
import { cpqProvider } from "../provider/provider";
import { snake } from "./diagnostics";

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
  return typeof v === "object" && !(v instanceof TerraformVariable) && "storedInState" in v;
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
   * - `false`: never ephemeral (a plan file saved with `terraform plan -out` holds the value).
   *
   * @default - decided at synth: ephemeral when every use of the variable is a write-only
   * attribute or a provider block, and the stack sets at least one write-only attribute (so it
   * already needs Terraform 1.11); otherwise not ephemeral.
   */
  readonly ephemeral?: boolean;
}

/** How each variable made by sensitiveVariable chose to be ephemeral (undefined: at synth). */
const ephemeralChoice = new WeakMap<TerraformVariable, boolean | undefined>();
/** Stacks that already carry the aspect deciding ephemerality. */
const stacksWithAspect = new WeakSet<TerraformStack>();

/**
 * A string Terraform variable marked sensitive and non-nullable, for one secret. Give its value
 * at plan time, e.g. with the environment variable `TF_VAR_<id>`. It is ephemeral as
 * `options.ephemeral` says (by default: when all its uses allow it).
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
  // cdktf 0.21's TerraformVariable has no `ephemeral` option: it is written as an override.
  if (options.ephemeral === true) variable.addOverride("ephemeral", true);
  ephemeralChoice.set(variable, options.ephemeral);
  if (options.ephemeral === undefined) {
    const stack = TerraformStack.of(variable);
    if (!stacksWithAspect.has(stack)) {
      stacksWithAspect.add(stack);
      Aspects.of(stack).add(new EphemeralWhereAccepted(stack));
    }
  }
  return variable;
}

/** Whether the variable was created with `{ ephemeral: true }`. */
export function isExplicitlyEphemeral(v: TerraformVariable): boolean {
  return ephemeralChoice.get(v) === true;
}

/** The token to put into the L1 configuration for a secret. */
export function secretToken(v: SecretValue): string {
  return typeof v === "string" ? v : v.stringValue;
}

/**
 * What is wrong with a secret, or undefined when it comes from a sensitive variable. Called at
 * validation time, when the whole tree exists: a token is checked against the stack's variables
 * so that a non-sensitive variable is caught too, and an ephemeral variable is refused in an
 * attribute kept in state. Never quotes the value.
 */
export function secretProblem(scope: Construct, prop: string, v: SecretValue): string | undefined {
  const fix = `Pass a TerraformVariable marked sensitive, e.g. sensitiveVariable(scope, "${snake(prop)}", "..."), and give its value at plan time (TF_VAR_${snake(prop)}).`;
  if (v instanceof TerraformVariable) {
    if (v.sensitive !== true) {
      return `the TerraformVariable "${v.node.path}" is not marked sensitive, so Terraform would show the secret in plan output. Create it with sensitive: true. ${fix}`;
    }
    return ephemeralProblem(scope, [v]);
  }
  if (!Token.isUnresolved(v)) {
    return `a literal string is not accepted: it would be written into cdk.tf.json. ${fix}`;
  }
  const resolved = JSON.stringify(resolve(scope, v));
  const variables = variablesNamed(TerraformStack.of(scope), variableNames(resolved));
  for (const variable of variables) {
    if (variable.sensitive !== true) {
      return `it refers to the TerraformVariable "${variable.node.path}", which is not marked sensitive. Create it with sensitive: true. ${fix}`;
    }
  }
  return ephemeralProblem(scope, variables);
}

/**
 * An explicitly ephemeral variable used by an attribute of `scope`'s cpq resources that is kept
 * in state: Terraform would refuse it at plan, so it is said at synth.
 */
function ephemeralProblem(
  scope: IConstruct,
  variables: readonly TerraformVariable[],
): string | undefined {
  const ephemeral = variables.filter(isExplicitlyEphemeral);
  if (ephemeral.length === 0) return undefined;
  const names = new Set(ephemeral.map((e) => e.friendlyUniqueId));
  for (const resource of scope.node.findAll().filter(TerraformResource.isTerraformResource)) {
    const writeOnly = WRITE_ONLY.get(resource.terraformResourceType);
    if (writeOnly === undefined) continue;
    for (const [attribute, value] of Object.entries(resourceBody(resource))) {
      if (writeOnly.has(attribute)) continue;
      const used = variableNames(JSON.stringify(value)).find((n) => names.has(n));
      const variable = ephemeral.find((e) => e.friendlyUniqueId === used);
      if (variable) {
        return `the TerraformVariable "${variable.node.path}" is ephemeral, and Terraform refuses an ephemeral value in "${attribute}", which is kept in state. Use the write-only form (leave out storedInState(...)) where there is one, or create the variable with sensitiveVariable(scope, id, description, { ephemeral: false }).`;
      }
    }
  }
  return undefined;
}

/** Write-only attribute names of each cpq resource type, from the provider's tables. */
const WRITE_ONLY: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  cpqProvider
    .resources()
    .map((r) => [r.typeName, new Set(r.attributes.filter((a) => a.writeOnly).map((a) => a.name))]),
);

/**
 * Decides, at each synth, which variables of `sensitiveVariable` left `ephemeral` unset are
 * ephemeral: those used only where Terraform accepts an ephemeral value (write-only attributes,
 * provider blocks), in a stack that already needs Terraform 1.11 for write-only attributes.
 * An aspect, because the uses are known only once the whole tree exists.
 */
class EphemeralWhereAccepted implements IAspect {
  public constructor(private readonly stack: TerraformStack) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) return;
    const elements = this.stack.node.findAll().filter(TerraformElement.isTerraformElement);
    const undecided = elements.filter(
      (e): e is TerraformVariable =>
        e instanceof TerraformVariable &&
        ephemeralChoice.has(e) &&
        ephemeralChoice.get(e) === undefined,
    );
    if (undecided.length === 0) return;
    const writeOnlyUses = new Set<string>();
    const providerUses = new Set<string>();
    const otherUses = new Set<string>();
    let stackUsesWriteOnly = false;
    for (const element of elements) {
      if (element instanceof TerraformVariable) continue;
      if (TerraformProvider.isTerraformProvider(element)) {
        for (const n of variableNames(JSON.stringify(resolve(element, element.toTerraform())))) {
          providerUses.add(n);
        }
        continue;
      }
      const writeOnly = TerraformResource.isTerraformResource(element)
        ? WRITE_ONLY.get(element.terraformResourceType)
        : undefined;
      if (writeOnly === undefined) {
        for (const n of variableNames(JSON.stringify(resolve(element, element.toTerraform())))) {
          otherUses.add(n);
        }
        continue;
      }
      for (const [attribute, value] of Object.entries(resourceBody(element as TerraformResource))) {
        const isWriteOnly = writeOnly.has(attribute);
        if (isWriteOnly && value !== null && value !== undefined) stackUsesWriteOnly = true;
        for (const n of variableNames(JSON.stringify(value))) {
          (isWriteOnly ? writeOnlyUses : otherUses).add(n);
        }
      }
    }
    for (const variable of undecided) {
      const name = variable.friendlyUniqueId;
      const ephemeral =
        stackUsesWriteOnly &&
        !otherUses.has(name) &&
        (writeOnlyUses.has(name) || providerUses.has(name));
      // Set or cleared at each synth: the uses may have changed since the last one.
      variable.addOverride("ephemeral", ephemeral ? true : undefined);
    }
  }
}

/** The resolved attributes (and meta-arguments) of one resource, as in `cdk.tf.json`. */
function resourceBody(resource: TerraformResource): Record<string, unknown> {
  const tf = resolve(resource, resource.toTerraform()) as {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
  };
  const body = tf.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId] ?? {};
  const { "//": _metadata, ...attributes } = body;
  return attributes;
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
        .filter((c): c is TerraformVariable => c instanceof TerraformVariable)
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
