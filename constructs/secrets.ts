/**
 * Secrets in constructs. A secret written as a literal would land in `cdk.tf.json` (and in every
 * CI artifact holding it), so secrets come from Terraform variables marked sensitive: the
 * synthesized JSON then holds only `${var.name}`, and the value arrives at plan time (e.g. from
 * `TF_VAR_name` in the pipeline's secret store).
 */
import type { Construct } from "constructs";
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from "cdktf";
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
 */
export function storedInState(value: SecretValue): StoredSecret {
  return { storedInState: value };
}

/** Whether `v` is a {@link StoredSecret} rather than a plain secret. */
export function isStoredSecret(v: SecretValue | StoredSecret): v is StoredSecret {
  return typeof v === "object" && !(v instanceof TerraformVariable) && "storedInState" in v;
}

/**
 * A string Terraform variable marked sensitive and non-nullable, for one secret. Give its value
 * at plan time, e.g. with the environment variable `TF_VAR_<id>`.
 */
export function sensitiveVariable(
  scope: Construct,
  id: string,
  description: string,
): TerraformVariable {
  return new TerraformVariable(scope, id, {
    type: "string",
    sensitive: true,
    nullable: false,
    description,
  });
}

/** The token to put into the L1 configuration for a secret. */
export function secretToken(v: SecretValue): string {
  return typeof v === "string" ? v : v.stringValue;
}

/**
 * What is wrong with a secret, or undefined when it comes from a sensitive variable. Called at
 * validation time, when the whole tree exists: a token is checked against the stack's variables
 * so that a non-sensitive variable is caught too. Never quotes the value.
 */
export function secretProblem(scope: Construct, prop: string, v: SecretValue): string | undefined {
  const fix = `Pass a TerraformVariable marked sensitive, e.g. sensitiveVariable(scope, "${snake(prop)}", "..."), and give its value at plan time (TF_VAR_${snake(prop)}).`;
  if (v instanceof TerraformVariable) {
    return v.sensitive === true
      ? undefined
      : `the TerraformVariable "${v.node.path}" is not marked sensitive, so Terraform would show the secret in plan output. Create it with sensitive: true. ${fix}`;
  }
  if (!Token.isUnresolved(v)) {
    return `a literal string is not accepted: it would be written into cdk.tf.json. ${fix}`;
  }
  const stack = TerraformStack.of(scope);
  const resolved = JSON.stringify(
    Tokenization.resolve(v, {
      scope,
      resolver: new DefaultTokenResolver(new StringConcat()),
      preparing: false,
    }),
  );
  const variables = stack.node
    .findAll()
    .filter((c): c is TerraformVariable => c instanceof TerraformVariable);
  for (const variable of variables) {
    if (variable.sensitive === true) continue;
    const ref = new RegExp(`\\bvar\\.${escapeRegExp(variable.friendlyUniqueId)}(?![\\w-])`);
    if (ref.test(resolved)) {
      return `it refers to the TerraformVariable "${variable.node.path}", which is not marked sensitive. Create it with sensitive: true. ${fix}`;
    }
  }
  return undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
