/**
 * Entry of `dist/provider.js`, the `terraform-provider-cpq` executable. It runs the plugin bundle
 * beside it (`provider-main.js`, built from `main.ts`) through V8's code cache, so the 3-4
 * processes Terraform starts per command load bytecode instead of compiling the same megabytes
 * each time (see `code-cache.ts`). `CPQ_SSO_CODE_CACHE=off` compiles from source.
 */
import * as path from "node:path";
import { CodeCache, codeCacheDir, usableCacheDir } from "./code-cache";

/** Content hash of each bundle by file name; the build defines it (scripts/build.mjs). */
declare const CPQ_SSO_BUNDLE_HASHES: Record<string, string>;

const dir = codeCacheDir(process.env);
const cache = new CodeCache(
  dir !== undefined && usableCacheDir(dir) ? dir : undefined,
  CPQ_SSO_BUNDLE_HASHES,
  {
    // undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it at once with
    // Liftoff, then again in the background with TurboFan, and that second compile of llhttp's
    // one giant function costs 50-80 ms of CPU. Terraform closes each provider process right
    // after its last call, and a process that ends waits for the compile first: it added ~60 ms
    // to the end of every process that had made a request. Liftoff's code is fast enough for the
    // responses a provider parses. Only the process that loads the client needs it: a V8 flag set
    // at start would also make V8 refuse Node's own cached code for its built-in modules
    // (~12 ms more at every start).
    "provider-client.js": "--liftoff-only",
  },
);
process.once("exit", () => cache.save());
cache.load(path.join(__dirname, "provider-main.js"));
