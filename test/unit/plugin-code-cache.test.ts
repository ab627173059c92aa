/**
 * The provider's V8 code cache (provider/plugin/code-cache.ts): where it lives, that a second
 * process runs the same bundles from it, that a stale, damaged or foreign cache is never used, and
 * that it only ever costs speed: a bundle runs the same with the cache on, off, or unusable.
 * Each run is a real Node process, as Terraform starts the provider.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheFileName, codeCacheDir, usableCacheDir } from "../../provider/plugin/code-cache";
import { bundleForTests } from "../../tooling/bundle";

interface Run {
  events: { bundle: string; outcome: string }[];
  exported: { answer: number; helper: string; file: string; dir: string; sep: string };
}

let fixture: string;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cpq-sso-code-cache-"));
  fixture = await bundleForTests(join(__dirname, "..", "fixtures", "code-cache-fixture.ts"));
});

/** Two bundles as the build makes them: main requires its companion and a Node built-in. */
function bundles(dir: string, answer = 42): { main: string; hashes: Record<string, string> } {
  mkdirSync(dir, { recursive: true });
  const main = join(dir, "provider-main.js");
  // Enough functions that V8 has bytecode worth caching.
  const filler = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x + ${i}; }`);
  writeFileSync(
    main,
    `${filler.join("\n")}\n` +
      `const helper = require("./provider-zod.js");\n` +
      `module.exports = { answer: f0(${answer}), helper: helper.name, file: __filename, dir: __dirname, sep: require("node:path").sep };\n`,
  );
  writeFileSync(join(dir, "provider-zod.js"), `exports.name = "companion";\n`);
  return { main, hashes: { "provider-main.js": `m${answer}`, "provider-zod.js": "z1" } };
}

function run(
  main: string,
  hashes: Record<string, string>,
  cacheSetting: string,
  flags: Record<string, string> = {},
): Run {
  const r = spawnSync(process.execPath, [fixture, main], {
    env: {
      PATH: process.env.PATH,
      CPQ_SSO_CODE_CACHE: cacheSetting,
      FIXTURE_HASHES: JSON.stringify(hashes),
      FIXTURE_FLAGS: JSON.stringify(flags),
    },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`fixture exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

const outcomes = (r: Run): string[] => r.events.map((e) => `${e.bundle}:${e.outcome}`);

describe("the code cache's directory", () => {
  it("is the user's cache directory unless CPQ_SSO_CODE_CACHE moves it or turns it off", () => {
    const home = (): string => "/home/u";
    expect(codeCacheDir({}, "linux", home)).toBe("/home/u/.cache/cpq-sso/code-cache");
    expect(codeCacheDir({ XDG_CACHE_HOME: "/x" }, "linux", home)).toBe("/x/cpq-sso/code-cache");
    // A relative XDG_CACHE_HOME is invalid by the XDG specification and is ignored.
    expect(codeCacheDir({ XDG_CACHE_HOME: "x" }, "linux", home)).toBe(
      "/home/u/.cache/cpq-sso/code-cache",
    );
    expect(codeCacheDir({}, "darwin", home)).toBe("/home/u/Library/Caches/cpq-sso/code-cache");
    expect(codeCacheDir({ CPQ_SSO_CODE_CACHE: "/c" }, "linux", home)).toBe("/c");
    for (const off of ["off", "OFF", "0", "false"])
      expect(codeCacheDir({ CPQ_SSO_CODE_CACHE: off }, "linux", home)).toBeUndefined();
    expect(codeCacheDir({}, "linux", () => "")).toBeUndefined();
    expect(
      codeCacheDir({}, "linux", () => {
        throw new Error("no home");
      }),
    ).toBeUndefined();
  });

  it("is created private to the user, and refused when others could write to it", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "cpq-sso-cc-dir-")), "a", "b");
    expect(usableCacheDir(dir)).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(dir, 0o777);
    expect(usableCacheDir(dir)).toBe(false);
    chmodSync(dir, 0o750);
    expect(usableCacheDir(dir)).toBe(true);
    const link = join(dir, "..", "link");
    symlinkSync(dir, link);
    expect(usableCacheDir(link)).toBe(false);
    const file = join(dir, "file");
    writeFileSync(file, "");
    expect(usableCacheDir(file)).toBe(false);
  });
});

describe("a bundle loaded through the code cache", () => {
  it("is compiled from source once, and run from cached bytecode by the next process", () => {
    const { main, hashes } = bundles(join(root, "b1"));
    const cache = join(root, "cache1");
    const first = run(main, hashes, cache);
    expect(outcomes(first)).toEqual(["provider-main.js:miss", "provider-zod.js:miss"]);
    expect(first.exported).toEqual({
      answer: 42,
      helper: "companion",
      file: main,
      dir: join(root, "b1"),
      sep: "/",
    });
    const files = readdirSync(cache).sort();
    expect(files).toEqual([
      cacheFileName(main, "m42", ""),
      cacheFileName("provider-zod.js", "z1", ""),
    ]);
    for (const f of files) expect(statSync(join(cache, f)).mode & 0o777).toBe(0o600);
    const written = statSync(join(cache, files[0]!)).mtimeMs;

    const second = run(main, hashes, cache);
    expect(outcomes(second)).toEqual(["provider-main.js:hit", "provider-zod.js:hit"]);
    expect(second.exported).toEqual(first.exported);
    // A hit is not written again.
    expect(statSync(join(cache, files[0]!)).mtimeMs).toBe(written);
  });

  it("keeps a bundle's text that is not ASCII as written, compiled and from the cache (regression: an ASCII-only read)", () => {
    const { main, hashes } = bundles(join(root, "b-utf8"));
    // A companion with UTF-8 in a comment and in a string, as zod's and undici's bundles have.
    const text = "Entrada invàlida — ✓ 𝄞";
    writeFileSync(
      join(root, "b-utf8", "provider-zod.js"),
      `// Could also be "Tipus d'unió invàlid"\nexports.name = ${JSON.stringify(text)};\n`,
    );
    const cache = join(root, "cache-utf8");
    const first = run(main, hashes, cache);
    const second = run(main, hashes, cache);
    expect(outcomes(second)).toEqual(["provider-main.js:hit", "provider-zod.js:hit"]);
    expect(first.exported.helper).toBe(text);
    expect(second.exported.helper).toBe(text);
  });

  it("saves what was compiled before a bundle's V8 flags are set, so every file stays usable", () => {
    // V8 records its flags in cached data and refuses data made under other flags. The launcher
    // sets --liftoff-only for the client companion only; the plugin bundle, compiled before,
    // must not be saved under the new flags, or the next process (which never sets them) would
    // refuse it and write it again, each process undoing the last.
    const { main, hashes } = bundles(join(root, "b8"));
    const cache = join(root, "cache8");
    const flags = { "provider-zod.js": "--liftoff-only" };
    expect(outcomes(run(main, hashes, cache, flags))).toEqual([
      "provider-main.js:miss",
      "provider-zod.js:miss",
    ]);
    const second = run(main, hashes, cache, flags);
    expect(outcomes(second)).toEqual(["provider-main.js:hit", "provider-zod.js:hit"]);
    expect(second.exported.helper).toBe("companion");
    const zod = readdirSync(cache).filter((f) => f.startsWith("provider-zod-"));
    expect(zod).toEqual([cacheFileName("provider-zod.js", "z1", " --liftoff-only")]);
  });

  it("runs the same with the cache turned off, writing nothing", () => {
    const { main, hashes } = bundles(join(root, "b2"));
    const r = run(main, hashes, "off");
    expect(outcomes(r)).toEqual(["provider-main.js:off", "provider-zod.js:off"]);
    expect(r.exported.answer).toBe(42);
  });

  it("is not used by a changed bundle: the build's content hash is in the file name", () => {
    const dir = join(root, "b3");
    const cache = join(root, "cache3");
    const v1 = bundles(dir, 1);
    expect(run(v1.main, v1.hashes, cache).exported.answer).toBe(1);
    // Same length, other content: V8's own check (the source's length) would not see it.
    const v2 = bundles(dir, 2);
    const r = run(v2.main, v2.hashes, cache);
    expect(outcomes(r)).toEqual(["provider-main.js:miss", "provider-zod.js:hit"]);
    expect(r.exported.answer).toBe(2);
  });

  it("keeps the newest three cache files of a bundle and removes older ones", () => {
    const dir = join(root, "b4");
    const cache = join(root, "cache4");
    for (const answer of [11, 12, 13, 14, 15]) {
      const b = bundles(dir, answer);
      run(b.main, b.hashes, cache);
    }
    const mains = readdirSync(cache).filter((f) => f.startsWith("provider-main-"));
    expect(mains.sort()).toEqual(
      [13, 14, 15].map((a) => cacheFileName("provider-main.js", `m${a}`, "")).sort(),
    );
  });

  it("throws away damaged cached data, runs from source, and writes a good file again", () => {
    const { main, hashes } = bundles(join(root, "b5"));
    const cache = join(root, "cache5");
    run(main, hashes, cache);
    const file = join(cache, cacheFileName(main, "m42", ""));
    const good = readFileSync(file);
    const damaged = Buffer.from(good);
    for (let i = 64; i < damaged.length; i += 97) damaged[i] = damaged[i]! ^ 0xff;
    writeFileSync(file, damaged, { mode: 0o600 });
    const r = run(main, hashes, cache);
    expect(outcomes(r)[0]).toBe("provider-main.js:rejected");
    expect(r.exported.answer).toBe(42);
    expect(outcomes(run(main, hashes, cache))[0]).toBe("provider-main.js:hit");
  });

  it("never reads a cache file others could have written, and replaces it with a private one", () => {
    const { main, hashes } = bundles(join(root, "b6"));
    const cache = join(root, "cache6");
    run(main, hashes, cache);
    const file = join(cache, cacheFileName(main, "m42", ""));
    chmodSync(file, 0o666);
    expect(outcomes(run(main, hashes, cache))[0]).toBe("provider-main.js:miss");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("is not used in a directory others can write to", () => {
    const { main, hashes } = bundles(join(root, "b7"));
    const cache = join(root, "cache7");
    mkdirSync(cache, { mode: 0o777 });
    chmodSync(cache, 0o777);
    const r = run(main, hashes, cache);
    expect(outcomes(r)).toEqual(["provider-main.js:off", "provider-zod.js:off"]);
    expect(r.exported.answer).toBe(42);
    expect(existsSync(cache) && readdirSync(cache)).toEqual([]);
  });
});
