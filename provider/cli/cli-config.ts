/**
 * The team's own Terraform CLI configuration, kept by `cpq-sso install`: `TF_CLI_CONFIG_FILE`
 * replaces the configuration terraform reads by default (`~/.terraformrc` and every `*.tfrc` and
 * `*.tfrc.json` of `~/.terraform.d`, where `terraform login` keeps its tokens) rather than adding
 * to it, so a configuration that only named our mirror dropped the team's credentials, host
 * blocks, other mirrors and plugin cache. Install reads what terraform would have read and writes
 * one configuration with all of it plus our filesystem mirror, for our provider only.
 *
 * No HCL parser: the team's text is copied block by block, as written. Only the
 * `provider_installation` block is edited, and only in the shapes Terraform documents (its
 * `filesystem_mirror`, `network_mirror`, `direct` and `dev_overrides` blocks, with literal
 * `include`/`exclude` lists); anything else there is refused with the fix, not guessed at. A
 * file in JSON syntax (`credentials.tfrc.json`) is written out as the HCL blocks it stands for.
 * Errors name the file and line, never a line's text: the files hold credentials.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { PROVIDER_ADDRESSES, PROVIDER_SOURCE } from "../address";

/** A team configuration install cannot merge; the message names the file, the line and the fix. */
export class CliConfigMergeError extends Error {
  override readonly name = "CliConfigMergeError";
}

/** The first line of every configuration install writes, by which it knows its own output. */
export const WRITTEN_BY = "# Written by `cpq-sso install`";
/** A line per file of the team's that was merged, for the next install. */
const SOURCE_LINE = "# cpq-sso-install-source: ";

/** Where the team's configuration was looked for, and what was found. */
export interface TeamCliConfig {
  /** The files read, in terraform's order; none when there was nothing to keep. */
  readonly files: readonly string[];
  /** How they were chosen, for the message install prints. */
  readonly why: string;
}

/**
 * The CLI configuration terraform would read without us: `TF_CLI_CONFIG_FILE` alone when set
 * (terraform then reads nothing else); else `~/.terraformrc` (`%APPDATA%\terraform.rc` on
 * Windows) and the `*.tfrc` and `*.tfrc.json` files of the CLI configuration directory
 * (`~/.terraform.d`, `%APPDATA%\terraform.d`), by name. A file install wrote itself (a second
 * install with `TF_CLI_CONFIG_FILE` already pointing at it) stands for the files it was merged
 * from.
 */
export function findTeamCliConfig(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): TeamCliConfig {
  const named = env.TF_CLI_CONFIG_FILE;
  if (named !== undefined && named !== "") {
    const file = resolve(named);
    if (!existsSync(file)) return { files: [], why: `TF_CLI_CONFIG_FILE: ${file} does not exist` };
    return followOwnOutput(file, "TF_CLI_CONFIG_FILE");
  }
  const appData = env.APPDATA ?? join(home, "AppData", "Roaming");
  const [main, dir] =
    platform === "win32"
      ? [join(appData, "terraform.rc"), join(appData, "terraform.d")]
      : [join(home, ".terraformrc"), join(home, ".terraform.d")];
  const inDir =
    existsSync(dir) && statSync(dir).isDirectory()
      ? readdirSync(dir)
          .filter((n) => n.endsWith(".tfrc") || n.endsWith(".tfrc.json"))
          .sort()
          .map((n) => join(dir, n))
          .filter((f) => statSync(f).isFile())
      : [];
  const files = [...(existsSync(main) ? [main] : []), ...inDir];
  if (files.length === 0) return { files, why: `the default: neither ${main} nor ${dir} exists` };
  return { files, why: "the default" };
}

/** A named file (`--cli-config FILE`): it must exist. */
export function namedTeamCliConfig(file: string): TeamCliConfig {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new CliConfigMergeError(
      `--cli-config ${path}: no such file. Name your Terraform CLI configuration (e.g. ~/.terraformrc), or give --cli-config none to keep none.`,
    );
  }
  return followOwnOutput(path, "--cli-config");
}

function followOwnOutput(file: string, why: string): TeamCliConfig {
  const text = readFileSync(file, "utf8");
  if (!text.startsWith(WRITTEN_BY)) return { files: [file], why };
  const sources = text
    .split(/\r?\n/)
    .filter((l) => l.startsWith(SOURCE_LINE))
    .map((l) => l.slice(SOURCE_LINE.length).trim())
    .filter((s) => s !== "" && existsSync(s));
  return { files: sources, why: `${why}: ${file} was written by cpq-sso install from these` };
}

/** The line (from 1) of offset `at` in `text`. */
const lineAt = (text: string, at: number): number => text.slice(0, at).split("\n").length;

/** One top-level item of a body: a block (`name labels { ... }`) or anything else (attribute). */
interface Item {
  readonly kind: "block" | "other";
  /** The block's type or the attribute's name (the first word). */
  readonly name: string;
  /** Offsets in the text: the whole item, and for a block, the inside of its braces. */
  readonly start: number;
  readonly end: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
}

/**
 * Splits HCL text (or a block's body) into its top-level items, skipping comments, strings
 * (with `${...}`) and heredocs so that no brace inside them counts. Only the nesting is read;
 * the items' own text is left as written.
 */
function topLevelItems(text: string, source: string, offset = 0): Item[] {
  const line = (at: number): number => lineAt(text, at);
  const items: Item[] = [];
  let i = 0;
  // Skips a string starting at text[i] === '"'; returns the offset after its closing quote.
  const skipString = (from: number): number => {
    let j = from + 1;
    let interp = 0;
    while (j < text.length) {
      const c = text[j]!;
      if (c === "\\") j += 2;
      else if (c === "$" && text[j + 1] === "{") {
        interp++;
        j += 2;
      } else if (c === "}" && interp > 0) {
        interp--;
        j++;
      } else if (c === '"' && interp > 0) j = skipString(j);
      else if (c === '"') return j + 1;
      else if (c === "\n" && interp === 0) break;
      else j++;
    }
    throw new CliConfigMergeError(
      `${source}, line ${line(from) + offset}: a string is not closed, so cpq-sso install cannot read the file safely. Fix the file (terraform would refuse it too), or give --cli-config none.`,
    );
  };
  // Skips whatever starts at text[j] if it is a comment, string or heredoc; else returns j.
  const skipInert = (j: number): number => {
    const c = text[j];
    if (c === "#" || (c === "/" && text[j + 1] === "/")) {
      const nl = text.indexOf("\n", j);
      return nl < 0 ? text.length : nl;
    }
    if (c === "/" && text[j + 1] === "*") {
      const close = text.indexOf("*/", j + 2);
      if (close < 0) {
        throw new CliConfigMergeError(
          `${source}, line ${line(j) + offset}: a /* comment is not closed. Fix the file, or give --cli-config none.`,
        );
      }
      return close + 2;
    }
    if (c === '"') return skipString(j);
    const heredoc = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(text.slice(j));
    if (heredoc) {
      const endRe = new RegExp(`\\n[ \\t]*${heredoc[1]}[ \\t]*(?=\\r?\\n|$)`, "g");
      endRe.lastIndex = j + heredoc[0].length - 1;
      const m = endRe.exec(text);
      if (!m) {
        throw new CliConfigMergeError(
          `${source}, line ${line(j) + offset}: a heredoc is not closed. Fix the file, or give --cli-config none.`,
        );
      }
      return m.index + m[0].length;
    }
    return j;
  };
  while (i < text.length) {
    const skipped = skipInert(i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    // An item starts here: read to the end of its line at depth 0, or to its block's brace.
    const start = i;
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))?.[0] ?? "";
    let depth = 0;
    let sawEquals = false;
    let bodyStart = -1;
    let j = i;
    for (;;) {
      if (j >= text.length) break;
      const s = skipInert(j);
      if (s !== j) {
        j = s;
        continue;
      }
      const c = text[j]!;
      if (depth === 0 && c === "\n") break;
      if (depth === 0 && c === "=") sawEquals = true;
      if (c === "{" || c === "[" || c === "(") {
        if (c === "{" && depth === 0 && !sawEquals) bodyStart = j + 1;
        depth++;
      } else if (c === "}" || c === "]" || c === ")") {
        depth--;
        if (depth < 0) {
          throw new CliConfigMergeError(
            `${source}, line ${line(j) + offset}: a closing "${c}" has no opening one. Fix the file, or give --cli-config none.`,
          );
        }
        if (depth === 0 && bodyStart >= 0) {
          j++;
          break;
        }
      }
      j++;
    }
    if (depth !== 0) {
      throw new CliConfigMergeError(
        `${source}, line ${line(start) + offset}: "${name}" is not closed. Fix the file, or give --cli-config none.`,
      );
    }
    const isBlock = bodyStart >= 0;
    items.push({
      kind: isBlock ? "block" : "other",
      name,
      start,
      end: j,
      bodyStart: isBlock ? bodyStart : j,
      bodyEnd: isBlock ? j - 1 : j,
    });
    i = j;
  }
  return items;
}

const ourList = (): string => `[${PROVIDER_ADDRESSES.map((a) => JSON.stringify(a)).join(", ")}]`;

/** Our filesystem_mirror method, for our provider only, indented for provider_installation. */
function mirrorMethod(mirrorDir: string): string {
  return `  filesystem_mirror {
    path    = ${JSON.stringify(mirrorDir)}
    include = ${ourList()}
  }
`;
}

/** Our mirror, as the first method of the team's provider_installation block. */
function ourMirror(mirrorDir: string): string {
  return `  # Added by cpq-sso install: ${PROVIDER_SOURCE} from its local filesystem mirror.
${mirrorMethod(mirrorDir)}`;
}

/**
 * The team's `provider_installation` body with our mirror first and our provider excluded from
 * each of their methods, so that only ours can offer it (Terraform chooses among every method
 * whose patterns match a provider).
 */
function mergeInstallation(
  body: string,
  source: string,
  firstLine: number,
  mirrorDir: string,
): string {
  const items = topLevelItems(body, source, firstLine - 1);
  const line = (at: number): number => firstLine + lineAt(body, at) - 1;
  const fix =
    `Add cpq-sso's mirror to it yourself (a filesystem_mirror block with path = "${mirrorDir}" ` +
    `and include = ${ourList()}, and that list as exclude in each other method), or give ` +
    `--cli-config none to write a configuration of cpq-sso's alone.`;
  let out = "";
  let at = 0;
  let oursAdded = false;
  for (const item of items) {
    out += body.slice(at, item.start);
    at = item.end;
    const text = body.slice(item.start, item.end);
    // dev_overrides must come before every method (terraform refuses it after one).
    if (item.kind === "block" && item.name === "dev_overrides") {
      out += text;
      continue;
    }
    if (!oursAdded) {
      const own = /(?:^|\n)([ \t]*)$/.exec(out)?.[1] ?? "  ";
      out += `${ourMirror(mirrorDir).trimStart()}\n${own}`;
      oursAdded = true;
    }
    if (
      item.kind !== "block" ||
      !["filesystem_mirror", "network_mirror", "direct"].includes(item.name)
    ) {
      throw new CliConfigMergeError(
        `${source}, line ${line(item.start)}: provider_installation holds "${item.name}", which cpq-sso install does not know how to merge. ${fix}`,
      );
    }
    const inner = body.slice(item.bodyStart, item.bodyEnd);
    const attrs = topLevelItems(inner, source, line(item.bodyStart) - 1);
    const excludes = attrs.filter((a) => a.name === "exclude");
    if (excludes.length > 1) {
      throw new CliConfigMergeError(
        `${source}, line ${line(item.start)}: ${item.name} sets exclude more than once. Fix the file (terraform would refuse it too).`,
      );
    }
    const exclude = excludes[0];
    let newInner: string;
    if (exclude === undefined) {
      // Indented as the method's other lines, closed where its brace was.
      const own = /(?:^|\n)([ \t]*)$/.exec(body.slice(0, item.start))?.[1] ?? "  ";
      const indent = /\n([ \t]*)\S/.exec(inner)?.[1] ?? `${own}  `;
      const trimmed = inner.replace(/\s*$/, "");
      const kept =
        trimmed.trim() === ""
          ? ""
          : /^[ \t]*\n/.test(trimmed)
            ? trimmed
            : `\n${indent}${trimmed.trim()}`;
      newInner = `${kept}\n${indent}exclude = ${ourList()} # added by cpq-sso install\n${own}`;
    } else {
      const value = inner.slice(exclude.start, exclude.end);
      const m = /^exclude\s*=\s*\[([\s\S]*)\]\s*((#|\/\/)[^\n]*)?$/.exec(value);
      if (!m || /\[|\]/.test(m[1]!.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) {
        throw new CliConfigMergeError(
          `${source}, line ${line(item.bodyStart + exclude.start)}: ${item.name}'s exclude is not a list of strings, so cpq-sso install cannot add its provider to it. ${fix}`,
        );
      }
      const listed = m[1]!.replace(/\s*,?\s*$/, "");
      // An address listed already (a configuration merged by hand) is not listed twice.
      const added = PROVIDER_ADDRESSES.map((a) => JSON.stringify(a))
        .filter((a) => !listed.includes(a))
        .join(", ");
      const list = listed.trim() === "" ? added : added === "" ? listed : `${listed}, ${added}`;
      newInner =
        inner.slice(0, exclude.start) +
        `exclude = [${list}]${m[2] ? ` ${m[2]}` : ""}` +
        inner.slice(exclude.end);
    }
    out += body.slice(item.start, item.bodyStart) + newInner + body.slice(item.bodyEnd, item.end);
  }
  out += body.slice(at);
  if (!oursAdded) out = `${out.replace(/\s*$/, "")}\n${ourMirror(mirrorDir)}`;
  return out;
}

/** One file of the team's configuration: its path and text. */
export interface CliConfigSource {
  readonly file: string;
  readonly text: string;
}

/**
 * A CLI configuration file in JSON syntax (`credentials.tfrc.json`, which `terraform login`
 * writes) as the HCL it stands for: `credentials` and `host` objects become labelled blocks of
 * string, number and boolean attributes, other top-level values attributes. Anything else is
 * refused: the file is the team's to rewrite in HCL.
 */
function jsonToHcl(source: CliConfigSource): string {
  const refuse = (what: string): never => {
    throw new CliConfigMergeError(
      `${source.file} (JSON syntax) ${what}, which cpq-sso install does not convert. Write it in HCL syntax, or give --cli-config none and add cpq-sso's mirror to your configuration yourself.`,
    );
  };
  let doc: unknown;
  try {
    doc = JSON.parse(source.text);
  } catch {
    // JSON.parse's message quotes the text, which holds tokens.
    return refuse("is not valid JSON");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return refuse("is not an object");
  }
  const scalar = (v: unknown, where: string): string =>
    typeof v === "string" || typeof v === "number" || typeof v === "boolean"
      ? JSON.stringify(v)
      : refuse(`holds a value at ${where} that is not a string, number or boolean`);
  const out: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === "credentials" || key === "host") {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return refuse(`holds "${key}" that is not an object`);
      }
      for (const [label, body] of Object.entries(value as Record<string, unknown>)) {
        if (typeof body !== "object" || body === null || Array.isArray(body)) {
          return refuse(`holds ${key} "${label}" that is not an object`);
        }
        const attrs = Object.entries(body as Record<string, unknown>).map(
          ([k, v]) => `  ${k} = ${scalar(v, `${key}.${label}.${k}`)}\n`,
        );
        out.push(`${key} ${JSON.stringify(label)} {\n${attrs.join("")}}\n`);
      }
    } else {
      out.push(`${key} = ${scalar(value, key)}\n`);
    }
  }
  return out.join("\n");
}

/**
 * The configuration install writes: the team's files in terraform's order, each block as written
 * (a JSON file as its HCL), with our mirror merged into their `provider_installation` block or,
 * without one, a block of ours added at the end.
 */
export function mergeCliConfig(sources: readonly CliConfigSource[], mirrorDir: string): string {
  const texts = sources.map((s) =>
    s.file.endsWith(".json") || /^\s*\{/.test(s.text)
      ? { file: s.file, text: jsonToHcl(s), json: true }
      : { file: s.file, text: s.text.replace(/\r\n/g, "\n"), json: false },
  );
  const installs = texts.flatMap((s) =>
    topLevelItems(s.text, s.file)
      .filter((i) => i.name === "provider_installation")
      .map((item) => ({ source: s, item })),
  );
  if (installs.length > 1) {
    const where = installs.map(
      (i) => `${i.source.file} line ${lineAt(i.source.text, i.item.start)}`,
    );
    throw new CliConfigMergeError(
      `your CLI configuration has ${installs.length} provider_installation blocks (${where.join(", ")}); terraform allows one. Merge them into one, then run install again.`,
    );
  }
  const found = installs[0];
  if (found !== undefined && found.item.kind !== "block") {
    throw new CliConfigMergeError(
      `${found.source.file}, line ${lineAt(found.source.text, found.item.start)}: provider_installation is not a block. Fix the file, or give --cli-config none.`,
    );
  }
  const header =
    `${WRITTEN_BY} from the files below: edit those, not this one, and run install again.\n` +
    `# Everything below is theirs, as written, except that ${PROVIDER_SOURCE} comes from\n` +
    `# cpq-sso's local filesystem mirror (Terraform and OpenTofu host names alike).\n` +
    sources.map((s) => `${SOURCE_LINE}${s.file}\n`).join("");
  const parts = texts.map((s) => {
    let text = s.text;
    if (found !== undefined && found.source === s) {
      const { item } = found;
      const merged = mergeInstallation(
        text.slice(item.bodyStart, item.bodyEnd),
        s.file,
        lineAt(text, item.bodyStart),
        mirrorDir,
      );
      text = text.slice(0, item.bodyStart) + merged + text.slice(item.bodyEnd);
    }
    const from = s.json ? `${s.file} (JSON syntax, as HCL)` : s.file;
    return `\n# ---- from ${from}\n${text.replace(/\s*$/, "\n")}`;
  });
  const ours =
    found === undefined ? `\n# ---- added by cpq-sso install\n${cliConfigBlock(mirrorDir)}` : "";
  return `${header}${parts.join("")}${ours}`;
}

/**
 * The provider_installation block of a configuration of ours alone: our provider from the
 * mirror, under either registry host name, and every other provider as usual.
 */
export function cliConfigBlock(mirrorDir: string): string {
  return `provider_installation {
${mirrorMethod(mirrorDir)}  direct {
    exclude = ${ourList()}
  }
}
`;
}
