/**
 * The path patterns of injected faults: a small subset of JavaScript regular expressions, matched
 * in time linear in the path. `new RegExp(pattern).test(path)` would let a posted pattern such as
 * `^(a+)+$` backtrack for minutes on one request and hang the simulator for every test sharing it.
 *
 * The subset is what a fault needs to pick paths: `^` at the start and `$` at the end, literal
 * characters, `\` escapes (`\d`, `\w`, `\s` and their negations, or any escaped character as
 * itself), `.`, character classes (`[a-z0-9_]`, `[^/]`), each optionally followed by `*`, `+` or `?`
 * (a trailing lazy `?` is accepted and changes nothing for a yes/no match). Groups, alternation,
 * `{n,m}`, back-references and look-arounds are refused with a message saying so. The match
 * simulates the pattern's automaton over the path (a set of positions in the pattern, stepped once
 * per character), so it costs at most pattern length times path length.
 */

/** The longest pattern accepted. A path pattern is a few dozen characters. */
export const MAX_PATH_PATTERN_CHARS = 256;

type CharTest = (c: string) => boolean;

interface Atom {
  readonly test: CharTest;
  /** `*`: any number of times; otherwise exactly once, or at most once when `optional`. */
  readonly repeat: boolean;
  readonly optional: boolean;
}

/** A compiled path pattern. */
export interface PathPattern {
  /** The pattern as posted. */
  readonly source: string;
  /** Whether the pattern matches somewhere in `path` (as `RegExp.prototype.test` would). */
  test(path: string): boolean;
}

/** Why a pattern is refused. */
export class PathPatternError extends Error {
  override readonly name = "PathPatternError";
}

const DIGIT: CharTest = (c) => c >= "0" && c <= "9";
const WORD: CharTest = (c) =>
  DIGIT(c) || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const SPACE: CharTest = (c) => /\s/.test(c);

function escapeTest(c: string): CharTest {
  switch (c) {
    case "d":
      return DIGIT;
    case "D":
      return (x) => !DIGIT(x);
    case "w":
      return WORD;
    case "W":
      return (x) => !WORD(x);
    case "s":
      return SPACE;
    case "S":
      return (x) => !SPACE(x);
    default:
      if (/[0-9a-zA-Z]/.test(c)) {
        // \b, \1, \k, \p, \u... mean something else in a RegExp: refused rather than guessed.
        throw new PathPatternError(`the escape \\${c} is not supported in a fault path`);
      }
      return (x) => x === c;
  }
}

/** Reads a character class starting after its `[`; returns the test and the index after `]`. */
function readClass(p: string, start: number): [CharTest, number] {
  let i = start;
  const negate = p[i] === "^";
  if (negate) i++;
  const parts: CharTest[] = [];
  let first = true;
  while (i < p.length && (p[i] !== "]" || first)) {
    first = false;
    let lo: string;
    let loTest: CharTest | undefined;
    if (p[i] === "\\") {
      const e = p[i + 1];
      if (e === undefined) break;
      loTest = escapeTest(e);
      lo = e;
      i += 2;
    } else {
      lo = p[i]!;
      i++;
    }
    const hi = p[i + 1];
    if (loTest === undefined && p[i] === "-" && hi !== undefined && hi !== "]" && hi !== "\\") {
      if (hi < lo) throw new PathPatternError(`the class range ${lo}-${hi} is out of order`);
      parts.push((x) => x >= lo && x <= hi);
      i += 2;
    } else {
      parts.push(loTest ?? ((x) => x === lo));
    }
  }
  if (p[i] !== "]") throw new PathPatternError("a character class [ has no closing ]");
  const any: CharTest = (x) => parts.some((t) => t(x));
  return [negate ? (x) => !any(x) : any, i + 1];
}

/**
 * Compiles a fault path pattern. Throws {@link PathPatternError} naming what is not supported.
 */
export function compilePathPattern(source: string): PathPattern {
  if (source.length > MAX_PATH_PATTERN_CHARS) {
    throw new PathPatternError(
      `the path pattern is ${source.length} characters long; at most ${MAX_PATH_PATTERN_CHARS}`,
    );
  }
  let i = 0;
  const anchoredStart = source.startsWith("^");
  if (anchoredStart) i = 1;
  const atoms: Atom[] = [];
  let anchoredEnd = false;
  while (i < source.length) {
    const c = source[i]!;
    let test: CharTest;
    if (c === "$" && i === source.length - 1) {
      anchoredEnd = true;
      break;
    } else if (c === "\\") {
      const e = source[i + 1];
      if (e === undefined) throw new PathPatternError("the path pattern ends with a lone \\");
      test = escapeTest(e);
      i += 2;
    } else if (c === "[") {
      [test, i] = readClass(source, i + 1);
    } else if (c === ".") {
      test = (x) => x !== "\n" && x !== "\r";
      i++;
    } else if ("()|{}^$".includes(c)) {
      throw new PathPatternError(
        `"${c}" is not supported in a fault path (groups, alternation, {n,m} and inner anchors are ` +
          "refused so that a pattern matches in linear time); escape it as \\" +
          c +
          " to match it literally",
      );
    } else if ("*+?".includes(c)) {
      throw new PathPatternError(`the quantifier "${c}" follows nothing it can repeat`);
    } else {
      test = (x) => x === c;
      i++;
    }
    const q = source[i];
    if (q === "*" || q === "+" || q === "?") {
      i++;
      if (source[i] === "?") i++;
      if (source[i] === "*" || source[i] === "+" || source[i] === "?") {
        throw new PathPatternError("a quantifier follows a quantifier in the path pattern");
      }
    }
    if (q === "+") atoms.push({ test, repeat: false, optional: false });
    atoms.push({ test, repeat: q === "*" || q === "+", optional: q === "?" });
  }
  return {
    source,
    test: (path) => simulate(atoms, anchoredStart, anchoredEnd, path),
  };
}

/** Adds `state` and every state reachable from it without reading a character. */
function close(atoms: readonly Atom[], set: Set<number>, state: number): void {
  let s = state;
  while (!set.has(s)) {
    set.add(s);
    const a = atoms[s];
    if (!a || !(a.repeat || a.optional)) return;
    s++;
  }
}

function simulate(
  atoms: readonly Atom[],
  anchoredStart: boolean,
  anchoredEnd: boolean,
  path: string,
): boolean {
  const final = atoms.length;
  let current = new Set<number>();
  close(atoms, current, 0);
  for (const c of path) {
    if (!anchoredEnd && current.has(final)) return true;
    const next = new Set<number>();
    for (const s of current) {
      const a = atoms[s];
      if (!a || !a.test(c)) continue;
      if (a.repeat) close(atoms, next, s);
      else close(atoms, next, s + 1);
    }
    // An unanchored pattern may start at any character.
    if (!anchoredStart) close(atoms, next, 0);
    current = next;
    if (current.size === 0) return false;
  }
  return current.has(final);
}
