/**
 * The provider as the tests install it: the built `dist/provider.js` in a fresh filesystem
 * mirror, as `cpq-sso install` puts it for a user, with the test run's code cache (warmed before
 * the first test by test/warm-code-cache.ts).
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProvider } from "../provider/cli/install";

/** Where the provider bundle is installed for a test file. */
export interface ProviderInstall {
  readonly cliConfigFile: string;
  readonly dir: string;
  /**
   * The provider's V8 code cache for this install's terraform runs (`CPQ_SSO_CODE_CACHE`): the
   * test run's, warmed before the first test, inside the run's temporary directory, so tests
   * write nothing to the user's own cache.
   */
  readonly codeCacheDir: string;
}

const REPO = join(__dirname, "..");

/** Installs `dist/provider.js` into a fresh mirror; fails clearly when it was not built. */
export function installProviderForTests(
  /** `cold`: a code cache of the install's own, empty, for the tests of the cache itself. */
  options: { readonly codeCache?: "warm" | "cold" } = {},
): ProviderInstall {
  if (!existsSync(join(REPO, "dist", "provider.js"))) {
    throw new Error("dist/provider.js is missing: run `npm run build` first (npm test does).");
  }
  const dir = mkdtempSync(join(tmpdir(), "cpq-sso-mirror-"));
  const r = installProvider({ dir });
  // Outside jest (the soak, the bench), a cache of the install's own.
  const shared = options.codeCache === "cold" ? undefined : process.env.CPQ_SSO_CODE_CACHE;
  const codeCacheDir = shared ?? join(dir, "code-cache");
  return { cliConfigFile: r.cliConfigFile, dir, codeCacheDir };
}
