/**
 * For the tests of the review comment: the markdown a reader's renderer would treat as markup,
 * that is everything outside code spans and fenced code blocks, found by CommonMark's rules (a
 * run of n backticks opens a span that the next run of exactly n closes; a fence of three or
 * more backticks opens a block that a line of at least as many closes). Kept apart from the
 * product's writer (provider/cli/markdown.ts), so the two cannot share a bug.
 */

/** The text of `md` with every fenced block and every code span removed. */
export function outsideCode(md: string): string {
  const kept: string[] = [];
  let fence: number | undefined;
  for (const line of md.split("\n")) {
    const run = /^ {0,3}(`{3,})[^`]*$/.exec(line)?.[1]?.length;
    if (fence !== undefined) {
      if (run !== undefined && run >= fence && /^ {0,3}`+\s*$/.test(line)) fence = undefined;
      continue;
    }
    if (run !== undefined) {
      fence = run;
      continue;
    }
    kept.push(line);
  }
  // Code spans may not cross a blank line (a paragraph's end); the comment's spans are one line.
  return kept.map(stripSpans).join("\n");
}

function stripSpans(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "`") {
      out += line[i];
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    // The closing run: exactly n backticks, not part of a longer run.
    let j = i + n;
    let close = -1;
    while (j < line.length) {
      if (line[j] !== "`") {
        j++;
        continue;
      }
      let m = 0;
      while (line[j + m] === "`") m++;
      if (m === n) {
        close = j;
        break;
      }
      j += m;
    }
    if (close < 0) {
      out += "`".repeat(n);
      i += n;
      continue;
    }
    out += "⟨code⟩";
    i = close + n;
  }
  return out;
}

/** Hostile values as a certificate subject, a login, a URL or a message from CPQ could hold them. */
export const HOSTILE_VALUES = [
  "[Approve in CPQ](https://evil.example/phish)",
  "![](https://evil.example/p.png)",
  "@acme/security-team",
  "**bold**",
  '<img src="https://evil.example/x.png">',
  "```\n</details>\n# Approved\n```",
  "`` ` ``` ````",
  "a|b\\|c",
  "https://evil.example/bare",
  "\u202egnp.exe\u202c",
  "\u001b[2J\u001b[32mNo changes\u001b]52;c;ZXZpbA==\u0007",
  "line one\n\n[link](https://evil.example/2)",
  "<!-- hidden --> -->",
] as const;

/** Words that show a hostile value escaped the code spans (they are in the values above only). */
export const LEAK_MARKERS = [
  "evil.example",
  "@acme",
  "**bold**",
  "<img",
  "Approved",
  "](",
  "![",
  "\u202e",
  "\u001b",
] as const;

/**
 * The cells of a table row as GitHub's table reader splits it: a backslash and the ASCII
 * punctuation after it are one character (so `\\|` is an escaped backslash, then a border).
 */
export function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (c === "\\" && /[!-/:-@[-`{-~]/.test(row[i + 1] ?? "")) {
      cell += c + row[i + 1];
      i++;
    } else if (c === "|") {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
