/**
 * The package's version, which is the provider's: the one place it is read (by `cpq-sso version`,
 * by `cpq-sso install` for the mirror's path, and by scripts/generate.ts for the version the L1
 * bindings pin). A module of its own so the provider plugin's bundle does not carry package.json.
 */

/** The version in package.json. */
export function packageVersion(): string {
  // Bundled into dist/cpq-sso.js by esbuild; read from the source tree under tsx and jest.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../package.json") as { version: string }).version;
}
