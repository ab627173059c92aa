/**
 * Trusting a directory only when no other user can change what is in it, and writing files
 * without following a link someone planted. Used by `cpq-sso install` (whose mirror holds the
 * program terraform runs, and whose terraform.rc says where that program is) and by
 * `cpq-sso exec` (whose socket directory carries the provider's traffic, credentials included).
 *
 * The rules (POSIX; nothing is checked on Windows, where exec does not run either):
 * - every directory from the given one up to `/` belongs to this user or to root: another owner
 *   could rename or replace what is inside, whatever the mode says;
 * - none of them is writable by group or others, except an ancestor with the sticky bit (as
 *   `/tmp`): there others cannot rename or remove entries they do not own. The directory written
 *   into must not be writable by others even when sticky, when `stickyOk` is false, since a file
 *   someone else created there first would stay theirs.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, parse } from "node:path";

/** A directory or file this process will not trust, with the reason and the fix in its message. */
export class UntrustedPathError extends Error {
  override readonly name = "UntrustedPathError";
}

const mode = (m: number): string => `0${(m & 0o7777).toString(8)}`;

/**
 * Why `dir` (which exists) cannot be trusted, or undefined when it can: see the module's rules.
 * `stickyOk`: `dir` itself may be writable by others when it has the sticky bit (a temporary
 * directory that a private subdirectory is made in).
 */
export function directoryTrustProblem(
  dir: string,
  options: { readonly stickyOk?: boolean } = {},
): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const real = realpathSync(dir);
  const root = parse(real).root;
  for (let p = real; ; p = dirname(p)) {
    const st = lstatSync(p);
    const where = p === real ? `${p}` : `${p} (a parent of ${real})`;
    if (!st.isDirectory()) return `${where} is not a directory`;
    if (st.uid !== uid && st.uid !== 0) {
      return `${where} belongs to another user (uid ${st.uid}), who could replace what is in it`;
    }
    const writableByOthers = (st.mode & 0o022) !== 0;
    const sticky = (st.mode & 0o1000) !== 0;
    if (writableByOthers && !(sticky && (p !== real || options.stickyOk === true))) {
      return (
        `${where} is writable by ${st.mode & 0o002 ? "every user" : "its group"} (mode ${mode(st.mode)})` +
        (sticky ? "" : " without the sticky bit") +
        ", so another user could replace what is in it"
      );
    }
    if (p === root) return undefined;
  }
}

/** Throws {@link UntrustedPathError} with `why` and `fix` when `dir` cannot be trusted. */
export function requireTrustedDirectory(
  dir: string,
  why: string,
  fix: string,
  options: { readonly stickyOk?: boolean } = {},
): void {
  const problem = directoryTrustProblem(dir, options);
  if (problem !== undefined) throw new UntrustedPathError(`${problem}: ${why}. ${fix}`);
}

/**
 * Makes `dir` and its missing parents, each one by one and never through a link: an existing
 * component must be a real directory, and the first existing ancestor and everything made are
 * checked with {@link requireTrustedDirectory}.
 */
export function makeTrustedDirectory(dir: string, why: string, fix: string): void {
  const missing: string[] = [];
  let existing = dir;
  for (;;) {
    try {
      lstatSync(existing);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      missing.unshift(existing);
      const up = dirname(existing);
      if (up === existing) break;
      existing = up;
    }
  }
  // The nearest existing ancestor may be a sticky temporary directory (a new one is made inside).
  requireTrustedDirectory(existing, why, fix, { stickyOk: missing.length > 0 });
  for (const p of missing) {
    mkdirSync(p, { mode: 0o755 });
    const st = lstatSync(p);
    if (!st.isDirectory()) throw new UntrustedPathError(`${p} is not a directory: ${why}. ${fix}`);
  }
  requireTrustedDirectory(dir, why, fix);
}

/**
 * Makes `sub` (relative, `/`-separated) under the trusted directory `base`, one component at a
 * time: each existing one must be a directory of this user's that no one else can write, never a
 * link.
 */
export function makeSubdirectories(base: string, sub: string, why: string, fix: string): string {
  let p = base;
  const uid = process.getuid?.();
  for (const part of sub.split(/[\\/]/).filter(Boolean)) {
    p = join(p, part);
    try {
      mkdirSync(p, { mode: 0o755 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const st = lstatSync(p);
    if (st.isSymbolicLink() || !st.isDirectory()) {
      throw new UntrustedPathError(`${p} is a link or not a directory: ${why}. ${fix}`);
    }
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) {
      throw new UntrustedPathError(
        `${p} ${st.uid !== uid ? `belongs to another user (uid ${st.uid})` : `is writable by others (mode ${mode(st.mode)})`}: ${why}. ${fix}`,
      );
    }
  }
  return p;
}

/**
 * Writes `data` to `file` with `fileMode`, never through a link: into a new file of a random name
 * beside it (created exclusively, O_NOFOLLOW), then renamed over `file`. A link planted at `file`
 * is replaced, not followed; a reader never sees half a file.
 */
export function writeFileNoFollow(file: string, data: string | Buffer, fileMode: number): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const flags =
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const fd = openSync(temp, flags, fileMode);
  try {
    try {
      const buffer = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      for (let off = 0; off < buffer.length;) off += writeSync(fd, buffer, off);
      fchmodSync(fd, fileMode);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or never made.
    }
    throw err;
  }
}
