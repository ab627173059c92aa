/**
 * Masking by value in every form an echo takes (issue 24, deliver 4): a CPQ page or log that
 * echoes a secret HTML-escaped, upper-cased, in hex, URL-encoded or in base64 shows `***`.
 */
import { Redactor } from "../../provider/client/redact";
import { errorBody } from "../../provider/client/responses";

const SECRET = `Pa<ss>&"w'rd-91f3`;
const r = new Redactor([SECRET]);
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("masking a secret by value", () => {
  it.each([
    ["as is", SECRET],
    ["HTML-escaped", "Pa&lt;ss&gt;&amp;&quot;w&#39;rd-91f3"],
    ["HTML-escaped with hex entities", "Pa&lt;ss&gt;&amp;&#x22;w&#x27;rd-91f3"],
    ["upper-cased", SECRET.toUpperCase()],
    ["lower-cased", SECRET.toLowerCase()],
    ["hex", Buffer.from(SECRET).toString("hex")],
    ["upper-case hex", Buffer.from(SECRET).toString("hex").toUpperCase()],
    ["URL-encoded", encodeURIComponent(SECRET)],
    ["URL-encoded with lower-case escapes", encodeURIComponent(SECRET).toLowerCase()],
    ["form-encoded", new URLSearchParams({ x: `${SECRET} ` }).toString().slice(2, -1)],
    ["JSON-escaped", JSON.stringify(SECRET).slice(1, -1)],
    ["base64", b64(SECRET)],
    ["base64 without padding", b64(SECRET).replace(/=+$/, "")],
    ["base64url", Buffer.from(SECRET).toString("base64url")],
  ])("masks it %s", (_form, echo) => {
    const out = r.redact(`CPQ said: [${echo}] was refused`);
    expect(out).toBe("CPQ said: [***] was refused");
  });

  it.each([0, 1, 2, 3])(
    "masks it inside a longer base64 text, after %i bytes of other data",
    (before) => {
      const text = b64(`${"u".repeat(before)}admin:${SECRET}@rest`);
      const out = r.redact(`Authorization: Basic ${text}`);
      expect(out).toContain("***");
      // What is left of the encoding no longer decodes to the secret or any long part of it.
      const left = Buffer.from(
        out.replace("Authorization: Basic ", "").replace("***", ""),
        "base64",
      );
      expect(left.toString("latin1")).not.toContain(SECRET.slice(3, 12));
    },
  );

  it("leaves no part of a secret beside a mask when two forms overlap", () => {
    expect(r.redact(`x${SECRET}${SECRET.toUpperCase()}y`)).toBe("x***y");
  });

  it("leaves text without a secret unchanged, and ignores secrets shorter than 3 characters", () => {
    expect(r.redact("nothing to see here")).toBe("nothing to see here");
    expect(new Redactor(["ab"]).redact("ab AB")).toBe("ab AB");
  });
});

describe("a plain-text error answer cut to one line (responses-redact-before-cut)", () => {
  it("masks a secret that crosses the cut, instead of keeping its first part", () => {
    const secret = "store-pass-SECRET-0123456789";
    // The secret starts 10 characters before the 300-character cut.
    const text = `${"x".repeat(290)}${secret} and more text after it`;
    const out = errorBody(
      { status: 500, headers: { "content-type": "text/plain" }, text },
      new Redactor([secret]),
    );
    expect(out.detail).toBeDefined();
    expect(out.detail).not.toContain(secret.slice(0, 10));
  });
});
