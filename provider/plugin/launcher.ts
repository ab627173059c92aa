/**
 * Entry of `dist/provider.js`, the `terraform-provider-cpq` executable. It runs the plugin bundle
 * beside it (`provider-main.js`, built from `main.ts`) through V8's code cache, so the 3-4
 * processes Terraform starts per command load bytecode instead of compiling the same megabytes
 * each time (see `code-cache.ts`). `CPQ_SSO_CODE_CACHE=off` compiles from source.
 */
import * as path from "node:path";
import { setFlagsFromString } from "node:v8";
import { CodeCache, codeCacheDir, usableCacheDir } from "./code-cache";

/** Content hash of each bundle by file name; the build defines it (scripts/build.mjs). */
declare const CPQ_SSO_BUNDLE_HASHES: Record<string, string>;

// undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it at once with Liftoff,
// then again in the background with TurboFan, and that second compile of llhttp's one giant
// function costs 50-80 ms of CPU. Terraform closes each provider process right after its last
// call, and a process that ends first waits for the compile: it added ~60 ms to the end of every
// process that had made a request. Liftoff's code is fast enough for the responses a provider
// parses. Set before any bundle is compiled: V8 keys cached code by its flags.
setFlagsFromString("--liftoff-only");

const dir = codeCacheDir(process.env);
const cache = new CodeCache(
  dir !== undefined && usableCacheDir(dir) ? dir : undefined,
  CPQ_SSO_BUNDLE_HASHES,
);
process.once("exit", () => cache.save());
cache.load(path.join(__dirname, "provider-main.js"));
