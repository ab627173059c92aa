/** Shared helpers for the construct tests: synth a scope, read its warnings and errors. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AnnotationMetadataEntryType,
  DefaultTokenResolver,
  StringConcat,
  TerraformStack,
  Testing,
  Tokenization,
} from "cdktf";
import type { IConstruct } from "constructs";
import { CpqProvider } from "../../constructs";

export const FIXTURES = join(__dirname, "..", "fixtures");
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");

/** A fresh stack in a test app, with a default `cpq` provider (CDKTF requires one). */
export function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "stack");
  new CpqProvider(stack, "cpq", { baseUrl: "https://acme.bigmachines.com" });
  return stack;
}

/** The stack's Terraform JSON, parsed (validations not run). */
export function synthJson(stack: TerraformStack): Record<string, Record<string, unknown>> {
  return JSON.parse(Testing.synth(stack)) as Record<string, Record<string, unknown>>;
}

/** The message of the error validation throws, or undefined when the stack is valid. */
export function validationError(stack: TerraformStack): string | undefined {
  try {
    stack.runAllValidations();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Warning annotations on `scope` and below. */
export function warnings(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
    .map((m) => String(m.data));
}

/** A token resolved as it would be in the synthesized JSON. */
export function resolveIn(scope: IConstruct, value: unknown): unknown {
  return Tokenization.resolve(value, {
    scope,
    resolver: new DefaultTokenResolver(new StringConcat()),
    preparing: false,
  });
}
