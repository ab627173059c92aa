import { cap, code, fencedBlock, markerName, visible } from "../../provider/cli/markdown";
import { HOSTILE_VALUES, LEAK_MARKERS, outsideCode, tableCells } from "../support/markdown-inert";

describe("markdown: values from CPQ and the plan as inert text", () => {
  it.each(HOSTILE_VALUES.map((v) => [JSON.stringify(v), v]))(
    "puts %s in a code span that nothing inside can close",
    (_, value) => {
      const span = code(value);
      // Everything of the value is inside the span: nothing of it is left for markdown to render.
      expect(outsideCode(`before ${span} after`)).toBe("before ⟨code⟩ after");
      expect(span).not.toContain("\n");
    },
  );

  it.each(HOSTILE_VALUES.map((v) => [JSON.stringify(v), v]))(
    "keeps %s inside a table cell: pipes escaped, the cell count unchanged",
    (_, value) => {
      const row = `| ${code(value, { cell: true })} | x |`;
      expect(tableCells(row)).toHaveLength(4);
      for (const leak of LEAK_MARKERS) expect(outsideCode(row)).not.toContain(leak);
    },
  );

  it("shows a backslash before a pipe by its code point, so GitHub cannot pair it with the escape", () => {
    expect(code("a|b\\|c", { cell: true })).toBe("`a\\|b\\u005c\\|c`");
    expect(tableCells(`| ${code("\\\\|", { cell: true })} |`)).toHaveLength(3);
  });

  it("fences a code span with one more backtick than the longest run inside", () => {
    expect(code("a ``` b")).toBe("````a ``` b````");
    expect(code("`x`")).toBe("`` `x` ``");
    expect(code("plain")).toBe("`plain`");
  });

  it("shows control and bidirectional characters by their code point, never raw", () => {
    const shown = code("\u202egnp.exe\u202c \u001b[2J \u0007 \n \u200b \u{e0041}");
    expect(shown).toBe("`\\u202egnp.exe\\u202c \\u001b[2J \\u0007 \\u000a \\u200b \\u{e0041}`");
    expect(visible("tab\there")).toBe("tab\\u0009here");
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(shown).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
  });

  it("caps a long value, never splitting a surrogate pair", () => {
    expect(cap("x".repeat(1000))).toHaveLength(300);
    expect(code("y".repeat(10_000)).length).toBeLessThan(310);
    const emoji = `${"a".repeat(298)}😀😀`;
    const capped = cap(emoji);
    expect(capped.endsWith("…")).toBe(true);
    expect(capped).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it("costs linear time on a 2 MiB run of backticks", () => {
    const start = process.hrtime.bigint();
    code("`".repeat(2 * 1024 * 1024));
    fencedBlock("`".repeat(2 * 1024 * 1024));
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(1000);
  });

  it("fences a block so that no line inside can close it", () => {
    const block = fencedBlock("a\n```\n````\nb \u202e");
    expect(block.startsWith("`````\n")).toBe(true);
    expect(block.endsWith("\n`````")).toBe(true);
    expect(block).toContain("b \\u202e");
    expect(outsideCode(`${block}\n[x](https://evil.example)`)).toBe("[x](https://evil.example)");
  });

  it("takes as a marker name only what can neither end an HTML comment nor break an output line", () => {
    expect(markerName("prod-eu_1.2")).toBe("prod-eu_1.2");
    for (const bad of ["a -->", "x\ny", "", "a b", "a=b", "x".repeat(101)])
      expect(markerName(bad)).toBeUndefined();
  });
});
