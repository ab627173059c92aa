/**
 * Bridges the provider's diagnostics (the same checks it runs at plan) to CDKTF: errors become
 * construct validations, so `app.synth()` fails with `[<construct path>] <prop> (<attribute>):
 * ...`; warnings become annotations, and are printed on stderr when no framework CLI runs the app.
 * Not exported from the package: an implementation detail.
 */
import { Annotations, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import { closest } from "../provider/contract/attributes";
import type { Diagnostic } from "../provider/contract/types";
import { UNKNOWN } from "../provider/contract/types";

/**
 * A prop value as the shared validation sees it: unresolved CDKTF tokens (and objects such as
 * `IResolvable`s and variables) are values Terraform only knows later, so they are UNKNOWN and
 * their checks run again at plan, when they are known. A map written as a plain object (the
 * `logins` of `cpq_user_integration_logins`) is checked entry by entry, as at plan, where a
 * token among its entries is unknown and the others are known.
 */
function forValidation(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (isPlainMap(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, forValidation(x)]));
  }
  if (typeof v === "object" || typeof v === "function") return UNKNOWN;
  if (Token.isUnresolved(v)) return UNKNOWN;
  return v;
}

/** An object literal, as opposed to a token's, a variable's or any other class's instance. */
function isPlainMap(v: unknown): v is Readonly<Record<string, unknown>> {
  return (
    typeof v === "object" &&
    v !== null &&
    Object.getPrototypeOf(v) === Object.prototype &&
    !Tokenization.isResolvable(v)
  );
}

/** A configuration object for the shared validation: unset props left out, tokens UNKNOWN. */
function validationConfig(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = forValidation(v);
  return out;
}

/** Terraform's meta-arguments in an L1 config: not attributes of the resource. */
const META_ARGUMENTS = new Set([
  "provider",
  "dependsOn",
  "count",
  "forEach",
  "lifecycle",
  "provisioners",
  "connection",
]);

/**
 * The shared validation's input, derived from what an L1 construct synthesizes: its config in
 * Terraform's attribute names, meta-arguments left out, tokens (secrets from variables among
 * them) unknown, as at plan. Constructs pass this rather than list every attribute again.
 */
export function validationInputOf(l1Config: object): Record<string, unknown> {
  return validationConfig(
    Object.fromEntries(
      Object.entries(l1Config)
        .filter(([k]) => !META_ARGUMENTS.has(k))
        .map(([k, v]) => [snake(k), v]),
    ),
  );
}

/** `snake_case` attribute name to the `camelCase` prop name. */
export function camel(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** `camelCase` prop name to the `snake_case` attribute name. */
export function snake(camelName: string): string {
  return camelName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** One line naming the prop, the Terraform attribute, the problem and the fix. */
function formatDiagnostic(d: Diagnostic, propOf: (attribute: string) => string): string {
  const attribute = d.path?.[0];
  const where = attribute === undefined ? "" : `${propOf(attribute)} (${attribute}): `;
  const summary = /[.!?]$/.test(d.summary) ? d.summary : `${d.summary}.`;
  return `${where}${summary}${d.detail ? ` ${d.detail}` : ""}`;
}

/**
 * Adds the warnings as annotations now and returns the error messages, for a validation.
 * Warnings carry the attribute name so a reader of `cdktf synth` output knows what to change.
 */
export function reportWarnings(
  scope: IConstruct,
  diagnostics: readonly Diagnostic[],
  propOf: (attribute: string) => string,
): string[] {
  const errors: string[] = [];
  for (const d of diagnostics) {
    const message = formatDiagnostic(d, propOf);
    if (d.severity === "warning") {
      Annotations.of(scope).addWarning(message);
      // The framework's CLI (cdktf or cdktn synth, diff, deploy) prints annotations itself and
      // says so with CDKTF_CONTEXT_JSON; an app run by plain node, tsx or ts-node would otherwise
      // keep its warnings in manifest.json, where nobody reads them.
      if (process.env.CDKTF_CONTEXT_JSON === undefined) {
        process.stderr.write(`Warning: [${scope.node.path}] ${message}\n`);
      }
    } else errors.push(message);
  }
  return errors;
}

/** Copies `values` without its undefined entries, for L1 configs under exactOptionalPropertyTypes. */
export function definedOnly<T extends object>(values: {
  readonly [K in keyof T]?: T[K] | undefined;
}): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * `props`, watched: at synth, a prop the construct never read fails validation, naming it and the
 * nearest prop the construct does read (`samlIssuerURL: ... did you mean samlIssuerUrl?`).
 * TypeScript refuses such a prop at compile time, but JavaScript apps and apps run by tsx (which
 * strips types without checking them) pass it, and it would be dropped silently. The known props
 * are derived, not listed: every constructor reads each prop its interface declares, set or not
 * (a test holds each construct to that), so the props read are the props declared. A constructor
 * given watched props must read them one by one, never spread them (a spread reads every key).
 */
export function watchProps<P extends object>(scope: IConstruct, props: P): P {
  if (typeof props !== "object" || props === null) return props;
  const read = new Set<string>();
  const watched = new Proxy(props, {
    get(target, key, receiver) {
      if (typeof key === "string") read.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      if (typeof key === "string") read.add(key);
      return Reflect.has(target, key);
    },
  });
  const kind = scope.constructor.name;
  scope.node.addValidation({
    validate: () =>
      Object.keys(props)
        .filter((k) => !read.has(k))
        .map((k) => {
          const known = [...read].sort();
          const near = closest(k, known);
          const hint =
            near === undefined ? `its props are: ${known.join(", ")}.` : `did you mean ${near}?`;
          return `${k}: ${kind} has no prop "${k}"; ${hint} Its value would be dropped (TypeScript's compiler refuses the prop, but JavaScript and tsx do not check props).`;
        }),
  });
  return watched;
}
