/**
 * Construct ids for the constructs' `fromList` helpers: derived from what names an entry (the
 * user, the tab), readable as Terraform addresses, and free in the scope. Not exported from the
 * package: an implementation detail.
 */
import { Token } from "cdktf";
import type { Construct } from "constructs";

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
}

/**
 * `parts` joined as an id (each sanitized, empty ones left out), or `<prefix>_<index>` when a
 * part is a token only known at plan; then the first id free in `scope` (`_2`, `_3` ... on a
 * clash). Terraform names start with a letter or `_` (a party number is digits).
 */
export function freeDerivedId(
  scope: Construct,
  prefix: string,
  parts: readonly string[],
  index: number,
): string {
  const known = parts.every((p) => !Token.isUnresolved(p));
  const joined = (known ? [prefix, ...parts] : [prefix, String(index)])
    .map(sanitize)
    .filter((p) => p !== "")
    .join("_");
  const id = /^[A-Za-z_]/.test(joined) ? joined : `_${joined}`;
  if (scope.node.tryFindChild(id) === undefined) return id;
  for (let n = 2; ; n++) {
    const candidate = `${id}_${n}`;
    if (scope.node.tryFindChild(candidate) === undefined) return candidate;
  }
}
