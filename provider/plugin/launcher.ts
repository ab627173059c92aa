/**
 * Entry of `dist/provider.js`, the `terraform-provider-cpq` executable. It runs the plugin bundle
 * beside it (`provider-main.js`, built from `main.ts`) through V8's code cache, so the 3-4
 * processes Terraform starts per command load bytecode instead of compiling the same megabytes
 * each time (see `code-cache.ts`). `CPQ_SSO_CODE_CACHE=off` compiles from source.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { CodeCache, codeCacheDir, usableCacheDir } from "./code-cache";

/**
 * No memory in a core dump of this process: it holds CPQ credentials and write-only secrets (its
 * environment, its heap). Node offers neither setrlimit(RLIMIT_CORE) nor prctl(PR_SET_DUMPABLE),
 * but on Linux a process may set its own /proc/self/coredump_filter: 0 leaves every memory
 * mapping (heap, stack, environment) out of a dump, whoever collects it (core file, systemd-
 * coredump, apport). Elsewhere this does nothing: there, `ulimit -c 0` before terraform is the
 * way (docs/security.md).
 */
try {
  writeFileSync("/proc/self/coredump_filter", "0");
} catch {
  // Not Linux, or no /proc: see above.
}

/** Content hash of each bundle by file name; the build defines it (scripts/build.mjs). */
declare const CPQ_SSO_BUNDLE_HASHES: Record<string, string>;

const dir = codeCacheDir(process.env);
const cache = new CodeCache(
  dir !== undefined && usableCacheDir(dir) ? dir : undefined,
  CPQ_SSO_BUNDLE_HASHES,
  {
    // Two V8 flags for the one process of a command that configures the provider and does its
    // work (it is the one that loads the CPQ client). Set there only: a V8 flag set at start
    // would also make V8 refuse Node's own cached code for its built-in modules (~12 ms more at
    // every start).
    // --liftoff-only: undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it at
    // once with Liftoff, then again in the background with TurboFan, and that second compile of
    // llhttp's one giant function costs 50-80 ms of CPU that the process's exit waits for (~60 ms
    // added to the end of every such process). Liftoff's code is fast enough for the responses
    // a provider parses.
    // --optimize-for-size: the process answers thousands of RPCs, whose garbage V8 otherwise lets
    // pile up in a heap it grows freely: peak RSS of a 10,000-login plan 178 -> 103 MiB, in the
    // same time within the noise.
    "provider-client.js": "--liftoff-only --optimize-for-size",
  },
);
// Saved only by a process that ends well (Terraform's Shutdown): one run by hand without the
// magic cookie, or one that failed, has compiled too little of the bundles to be worth keeping.
process.once("exit", (code) => {
  if (code === 0) cache.save();
});
cache.load(path.join(__dirname, "provider-main.js"));
