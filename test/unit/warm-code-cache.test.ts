// The test run warms the provider's code cache (terraform init and plan) only when it may run an
// end-to-end test; a run of the unit tier alone does not pay for it.
import { selectsEndToEndTests } from "../warm-code-cache";

describe("whether a jest run warms the provider's code cache", () => {
  it.each([
    ["the whole suite (no pattern)", {}],
    ["a pattern that names an end-to-end file", { testPathPattern: "test/e2e/drift.test.ts" }],
    ["a bare word an end-to-end file's path contains", { testPathPattern: "DRIFT" }],
    ["several paths, one of them end-to-end", { testPathPattern: "test/unit/x|test/e2e/exec" }],
    ["a pattern that is no regular expression", { testPathPattern: "(" }],
    ["a selection by git (--onlyChanged)", { testPathPattern: "test/unit", onlyChanged: true }],
    ["related tests (--findRelatedTests)", { testPathPattern: "x", findRelatedTests: true }],
  ])("warms for %s", (_why, selection) => {
    expect(selectsEndToEndTests(selection)).toBe(true);
  });

  it.each([
    ["the unit tier", { testPathPattern: "test/unit" }],
    ["one unit test file", { testPathPattern: "test/unit/loopback.test.ts" }],
    ["the integration tier", { testPathPattern: "test/integration" }],
    ["a word no end-to-end file's path contains", { testPathPattern: "no-such-test-anywhere" }],
  ])("does not warm for %s", (_why, selection) => {
    expect(selectsEndToEndTests(selection)).toBe(false);
  });
});
