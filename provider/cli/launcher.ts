/**
 * Entry of `dist/cli.js`, which `bin/cpq-sso.js` runs: turns on Node's compile cache for the CLI
 * bundle beside it (`cpq-sso.js`, 3 MB), then runs it. A CI job runs `cpq-sso` several times
 * (the recipes, drift, report), and each start compiled the bundle from source: about 70 ms of
 * CPU of ~170 (`cpq-sso drift --help` on Node 22, 0.17 s against 0.10 s with the cache).
 *
 * The cache lives where the provider's V8 code cache does, in a `cli` folder of it, under the
 * same rules (plugin/code-cache.ts): the user's own directory, closed to everyone else, since
 * cached bytecode is code; `CPQ_SSO_CODE_CACHE=off` turns both off. Node checks each entry
 * against the source it was made from, so an edited or upgraded bundle is compiled afresh.
 * Every failure here only costs speed: the CLI then runs as before.
 */
import * as path from "node:path";
import { codeCacheDir, usableCacheDir } from "../plugin/code-cache";

try {
  const dir = codeCacheDir(process.env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeModule = require("node:module") as { enableCompileCache?: (dir: string) => unknown };
  if (dir !== undefined && typeof nodeModule.enableCompileCache === "function") {
    const cli = path.join(dir, "cli");
    if (usableCacheDir(dir) && usableCacheDir(cli)) nodeModule.enableCompileCache(cli);
  }
} catch {
  // Speed only: see above.
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
require("./cpq-sso.js");
