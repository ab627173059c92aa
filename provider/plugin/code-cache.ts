/**
 * A V8 code cache for the provider's bundles. Terraform starts the provider 3-4 times per command
 * and each start compiles the same megabytes of JavaScript; V8 can instead load the bytecode it
 * made last time. Node 20 has no built-in compile cache for CommonJS (`module.enableCompileCache`
 * arrived in Node 22), so the launcher compiles each bundle through `vm.Script` with its cached
 * data, and writes new cached data when a process that had none ends.
 *
 * The cache cannot live beside the executable: Terraform hashes the whole provider package
 * directory into `.terraform.lock.hcl`, so a file written there would fail the next check. It lives
 * in the user's cache directory (see {@link codeCacheDir}), which must belong to the user and be
 * closed to everyone else: cached bytecode is code, so a directory others can write to is not
 * used at all. Every failure here only costs speed, never correctness: a missing, unreadable,
 * foreign or rejected cache means the bundle is compiled from source as before.
 *
 * This module must stay free of anything but Node built-ins: it is the launcher's only import.
 */
import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire, wrap } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";

/** The environment variable that moves (`/abs/dir`) or turns off (`off`) the code cache. */
export const CODE_CACHE_ENV = "CPQ_SSO_CODE_CACHE";

/**
 * A cache file is this tag, the sha256 of the cached data, then the data. V8 does not check its
 * cached data for damage (a flipped byte can abort the process), so the digest is checked first.
 */
const FILE_TAG = Buffer.from("cpqv8c1\n");
const HEADER_LENGTH = FILE_TAG.length + 32;

/** How many cache files of one bundle are kept (other versions of the provider, other Nodes). */
const KEEP_PER_BUNDLE = 3;

/**
 * Where the cache lives, or undefined when it is turned off: `$CPQ_SSO_CODE_CACHE` when set to a
 * path (`off`, `0` or `false` turn it off), else the platform's per-user cache directory:
 * `$XDG_CACHE_HOME/cpq-sso/code-cache` or `~/.cache/cpq-sso/code-cache` on Linux,
 * `~/Library/Caches/cpq-sso/code-cache` on macOS, `%LOCALAPPDATA%\cpq-sso\code-cache` on Windows.
 */
export function codeCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  home: () => string = os.homedir,
): string | undefined {
  const setting = env[CODE_CACHE_ENV];
  if (setting !== undefined && setting !== "") {
    if (["off", "0", "false"].includes(setting.toLowerCase())) return undefined;
    return path.resolve(setting);
  }
  const sub = path.join("cpq-sso", "code-cache");
  if (platform === "win32") {
    const local = env.LOCALAPPDATA;
    return local && path.isAbsolute(local) ? path.join(local, sub) : undefined;
  }
  const xdg = env.XDG_CACHE_HOME;
  if (platform !== "darwin" && xdg && path.isAbsolute(xdg)) return path.join(xdg, sub);
  let dir: string;
  try {
    dir = home();
  } catch {
    return undefined;
  }
  if (!dir || !path.isAbsolute(dir)) return undefined;
  return platform === "darwin"
    ? path.join(dir, "Library", "Caches", sub)
    : path.join(dir, ".cache", sub);
}

/** Whether `st` may hold code this process runs: the user's own, writable by nobody else. */
function ownedAndPrivate(st: fs.Stats): boolean {
  if (process.platform === "win32" || typeof process.getuid !== "function") return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

/** Creates the directory (0700) if needed; true when it is a private directory of this user. */
export function usableCacheDir(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    return st.isDirectory() && ownedAndPrivate(st);
  } catch {
    return false;
  }
}

/** A 32-bit FNV-1a hash, hex: enough to tell Node flag sets apart in a file name. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The cache file's name for a bundle: its name, its content hash (from the build), the Node
 * version and architecture, and the V8-relevant flags. V8 itself refuses cached data made by
 * another V8 or with other flags, and checks the source's length; the content hash covers an
 * edited bundle of the same length.
 */
export function cacheFileName(bundle: string, contentHash: string, flags: string): string {
  const base = path.basename(bundle).replace(/\.js$/, "");
  return `${base}-${contentHash}-${process.version}-${process.arch}-${fnv1a(flags)}.v8cache`;
}

/** What a {@link CodeCache} did, for tests and the benchmark. */
export interface CodeCacheEvent {
  readonly bundle: string;
  readonly outcome: "hit" | "miss" | "rejected" | "off";
}

interface Pending {
  readonly script: vm.Script;
  readonly file: string;
  readonly bundle: string;
}

/**
 * Loads CommonJS bundles through V8's code cache. A bundle's `require("./x.js")` of another
 * bundle in `hashes` goes through the cache too; any other `require` is Node's own.
 */
export class CodeCache {
  private readonly pending: Pending[] = [];
  private readonly loaded = new Map<string, unknown>();
  /** V8 flags this process has set for a bundle, in order. */
  private readonly flagsSet: string[] = [];
  readonly events: CodeCacheEvent[] = [];

  /**
   * @param dir the cache directory, already checked with {@link usableCacheDir}; undefined to
   *   compile from source (the loading still works the same way)
   * @param hashes content hash of each bundle, by file name, as the build recorded them
   * @param v8Flags V8 flags to set before a bundle (by file name) is compiled, for the rest of
   *   the process. V8 records its flags in cached data and refuses data made under other flags,
   *   so the bundles compiled before are saved first, under the flags they were compiled with.
   */
  constructor(
    private readonly dir: string | undefined,
    private readonly hashes: Readonly<Record<string, string>>,
    private readonly v8Flags: Readonly<Record<string, string>> = {},
  ) {}

  /** Node's and this process's V8 flags, as they stand: part of a cache file's name. */
  private flags(): string {
    return [...process.execArgv, process.env.NODE_OPTIONS ?? "", ...this.flagsSet].join(" ");
  }

  /** Runs the bundle at `file` (once per process, like `require`) and returns its exports. */
  load(file: string): unknown {
    const known = this.loaded.get(file);
    if (known !== undefined) return known;
    const name = path.basename(file);
    const flags = this.v8Flags[name];
    if (flags !== undefined && !this.flagsSet.includes(flags)) {
      this.save();
      // Required here, not at the top: loading node:v8 costs every start about a millisecond,
      // and only the one process that loads the client sets flags.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require("node:v8") as typeof import("node:v8")).setFlagsFromString(flags);
      this.flagsSet.push(flags);
    }
    const hash = this.hashes[name];
    const cacheFile =
      this.dir !== undefined && hash !== undefined
        ? path.join(this.dir, cacheFileName(file, hash, this.flags()))
        : undefined;
    const read = cacheFile !== undefined ? readCacheFile(cacheFile) : undefined;
    const cachedData = read instanceof Buffer ? read : undefined;
    const script = new vm.Script(wrap(sourceText(fs.readFileSync(file))), {
      filename: file,
      ...(cachedData !== undefined ? { cachedData } : {}),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const rejected =
      read === "damaged" || (cachedData !== undefined && script.cachedDataRejected === true);
    this.events.push({
      bundle: name,
      outcome:
        cacheFile === undefined ? "off" : rejected ? "rejected" : cachedData ? "hit" : "miss",
    });
    if (cacheFile !== undefined && (cachedData === undefined || rejected))
      this.pending.push({ script, file: cacheFile, bundle: name });

    const module = { exports: {} as unknown, id: file, filename: file, loaded: false };
    this.loaded.set(file, module.exports);
    const nodeRequire = createRequire(file);
    const dirname = path.dirname(file);
    const req = (id: string): unknown =>
      id.startsWith("./") && this.hashes[id.slice(2)] !== undefined
        ? this.load(path.join(dirname, id.slice(2)))
        : nodeRequire(id);
    const fn = script.runInThisContext() as (
      exports: unknown,
      require: (id: string) => unknown,
      module: { exports: unknown },
      filename: string,
      dirname: string,
    ) => void;
    fn.call(module.exports, module.exports, req, module, file, dirname);
    module.loaded = true;
    this.loaded.set(file, module.exports);
    return module.exports;
  }

  /**
   * Writes the cached data of every bundle this process compiled without a usable cache. Called
   * as the process ends, so the data holds the functions this run compiled lazily as well (and
   * before V8's flags change, see the constructor). Each file is written whole to a temporary
   * name and renamed, so a concurrent reader sees the old file or the new one, never half of one.
   */
  save(): void {
    if (this.dir === undefined) return;
    for (const p of this.pending.splice(0)) {
      const tmp = `${p.file}.${process.pid}.tmp`;
      try {
        const data = p.script.createCachedData();
        const digest = createHash("sha256").update(data).digest();
        fs.writeFileSync(tmp, Buffer.concat([FILE_TAG, digest, data]), { mode: 0o600, flag: "wx" });
        fs.renameSync(tmp, p.file);
      } catch {
        try {
          fs.unlinkSync(tmp);
        } catch {
          // Nothing was written.
        }
        continue;
      }
      prune(this.dir, p.bundle, p.file);
    }
  }
}

/**
 * A bundle's text. The plugin bundle is all ASCII (esbuild escapes what is not), and ASCII bytes
 * are their own Latin-1 text: read so, Node copies the 1.2 MB straight into a one-byte string
 * instead of decoding UTF-8, about 2 ms less at every start (of ~60). A bundle with any other
 * byte (the companions keep some comments in UTF-8) is decoded as UTF-8, as before.
 */
function sourceText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/**
 * The cached data in `file`: undefined when there is none this process may use (missing, not
 * this user's own, or writable by others), "damaged" when its digest does not match.
 */
function readCacheFile(file: string): Buffer | "damaged" | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  let bytes: Buffer;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !ownedAndPrivate(st)) return undefined;
    bytes = fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
  if (bytes.length <= HEADER_LENGTH || !bytes.subarray(0, FILE_TAG.length).equals(FILE_TAG))
    return "damaged";
  const data = bytes.subarray(HEADER_LENGTH);
  const digest = createHash("sha256").update(data).digest();
  return digest.equals(bytes.subarray(FILE_TAG.length, HEADER_LENGTH)) ? data : "damaged";
}

/** Keeps the newest {@link KEEP_PER_BUNDLE} cache files of a bundle (other versions, other Nodes). */
function prune(dir: string, bundle: string, keep: string): void {
  const prefix = `${bundle.replace(/\.js$/, "")}-`;
  try {
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && f.endsWith(".v8cache"))
      .map((f) => path.join(dir, f))
      .filter((f) => f !== keep)
      .map((f) => ({ f, mtime: fs.statSync(f).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { f } of files.slice(KEEP_PER_BUNDLE - 1)) fs.unlinkSync(f);
  } catch {
    // Pruning is housekeeping; a file another process removed first is fine.
  }
}
