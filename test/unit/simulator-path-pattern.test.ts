/**
 * The simulator's fault path patterns: the RegExp subset the tests use, matched as a RegExp would
 * match it, in time linear in the path.
 */
import { compilePathPattern } from "../../simulator/path-pattern";

const PATHS = [
  "/rest/v19/ssoConfiguration",
  "/rest/v19/ssoConfiguration/x",
  "/rest/v19/users",
  "/rest/v19/users/1001",
  "/rest/v19/users/1001/integrations/idp",
  "/rest/v19/users/1002/integrations/idp/actions/check",
  "/rest/v19/users/1001/integrations/idp/actions/revokeToken",
  "/sso/spmetadata.jsp",
  "/sso/spmetadataxjsp",
  "/oauth2/v1/token",
  "",
  "/",
];

describe("fault path patterns", () => {
  it.each([
    "ssoConfiguration$",
    "^/rest/v19/ssoConfiguration$",
    "^/rest/v19/users$",
    "/integrations/idp$",
    "/integrations/idp",
    "users/1001$",
    "^/sso/spmetadata\\.jsp$",
    "^/sso/spmetadata.jsp$",
    ".",
    "^/rest/",
    "^/rest/v19/users/\\d+$",
    "^/rest/v19/users/[0-9]+/integrations/[^/]+$",
    "^/rest/v1[0-9]/users/\\w*/?",
    "actions/check$",
    "^/?$",
    "^$",
    "s+o",
    "v1?9",
  ])("matches %s exactly where the same RegExp matches", (source) => {
    const pattern = compilePathPattern(source);
    const re = new RegExp(source);
    for (const path of PATHS) expect([path, pattern.test(path)]).toEqual([path, re.test(path)]);
  });

  it.each([
    ["^(a+)+$", /"\(" is not supported/],
    ["a|b", /"\|" is not supported/],
    ["a{1,30}", /"\{" is not supported/],
    ["(a)\\1", /"\(" is not supported/],
    ["\\1", /escape \\1/],
    ["*a", /follows nothing/],
    ["a**", /quantifier follows a quantifier/],
    ["[abc", /no closing \]/],
    ["a^b", /"\^" is not supported/],
    ["x".repeat(300), /at most 256/],
  ])("refuses %.20s, saying why", (source, message) => {
    expect(() => compilePathPattern(source)).toThrow(message);
  });

  it("matches a path of 100,000 characters against a pattern of ten stars in well under a second", () => {
    // The same RegExp backtracks through every way of splitting the path among its ten stars.
    const pattern = compilePathPattern(`^/${"a*".repeat(10)}!$`);
    const path = `/${"a".repeat(100_000)}`;
    const t0 = performance.now();
    expect(pattern.test(path)).toBe(false);
    expect(pattern.test(`${path}!`)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
