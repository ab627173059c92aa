/**
 * Grows one instance of a counted resource, as the provider wrote it through terraform, into the
 * instances of a whole `count`: the set-up of the tests whose subject is a plan over many
 * instances, not the apply that would create them.
 *
 * Why: a real `terraform apply` of 1,000 `cpq_user_integration_login` instances costs ~40 s of
 * CPU, nearly all of it terraform's own per-instance state handling of the creates, which is no
 * test's subject (the plan over them is). So a test applies instance 0 for real (the provider,
 * through terraform, writes one genuine instance), creates the other objects through the
 * simulator's real CPQ surface, and repeats instance 0 here with each index's own values.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";

/** An instance of a resource in a state file (format version 4), as terraform writes it. */
interface StateInstance {
  index_key?: number | string;
  schema_version?: number;
  attributes: Record<string, unknown>;
  identity?: Record<string, unknown>;
  private?: string;
  sensitive_attributes?: unknown[];
  [other: string]: unknown;
}

/** The part of a state file (format version 4) this helper reads and writes. */
interface StateFile {
  serial: number;
  resources: {
    mode: string;
    type: string;
    name: string;
    instances: StateInstance[];
    [other: string]: unknown;
  }[];
  [other: string]: unknown;
}

/**
 * Rewrites `terraform.tfstate` in `dir` so that the managed resource `type.name`, which must hold
 * exactly one instance, index 0, written by a real apply (e.g. `-target='type.name[0]'` on the
 * `count = n` configuration), holds instances `0 .. count-1`: each a copy of instance 0 with the
 * attributes `perIndex(i)` gives, as the configuration's expressions would make them for that
 * index. Everything else is copied unchanged: the schema version, the sensitive attribute paths,
 * the dependencies and the provider's `private` state (opaque to the test; copied as it is).
 * Identity (Terraform 1.12+) takes the same per-index values where it has those names. The
 * state's `serial` is bumped, as terraform does on each write, and its lineage kept.
 *
 * `perIndex(0)` must agree with what the provider wrote for instance 0, or this throws: that
 * proves the caller's formulas are the configuration's.
 *
 * What would make it wrong: an attribute that differs by index but is missing from `perIndex`
 * (every instance would carry instance 0's value; a refresh that reads it back would hide that
 * mistake), or private state that holds something of instance 0 only (a hash of a per-instance
 * secret, for instance): then a real apply of every instance is the only honest set-up.
 */
export function repeatInstance(
  dir: string,
  resource: { readonly type: string; readonly name: string },
  count: number,
  perIndex: (i: number) => Readonly<Record<string, unknown>>,
): void {
  const file = join(dir, "terraform.tfstate");
  const state = JSON.parse(readFileSync(file, "utf8")) as StateFile;
  const address = `${resource.type}.${resource.name}`;
  const found = state.resources.find(
    (r) => r.mode === "managed" && r.type === resource.type && r.name === resource.name,
  );
  const first = found?.instances[0];
  if (!found || !first || found.instances.length !== 1 || first.index_key !== 0) {
    throw new Error(`${address} must hold exactly one instance, index 0, in ${file}`);
  }
  for (const [name, value] of Object.entries(perIndex(0))) {
    if (!isDeepStrictEqual(first.attributes[name], value)) {
      throw new Error(
        `${address}[0].${name} is ${JSON.stringify(first.attributes[name])} in the state, but perIndex(0) gives ${JSON.stringify(value)}`,
      );
    }
  }
  found.instances = Array.from({ length: count }, (_, i) => {
    const values = perIndex(i);
    const copy = structuredClone(first);
    copy.index_key = i;
    copy.attributes = { ...copy.attributes, ...values };
    if (copy.identity) {
      for (const name of Object.keys(copy.identity)) {
        if (name in values) copy.identity[name] = values[name];
      }
    }
    return copy;
  });
  state.serial += 1;
  writeFileSync(file, JSON.stringify(state, null, 2));
}
