/**
 * A small, hostile-input-safe XML reader for SAML metadata: the document becomes a tree of
 * namespaced elements, or a {@link MetadataError} saying what is wrong with it.
 *
 * The parser is saxes (strict, non-validating, no DTD processing; it is the one jsdom uses). It
 * never expands an entity other than XML's five predefined ones and character references, and
 * never reads a file or a URL. On top of that this module refuses, before and while parsing:
 * - any DOCTYPE, so no entity can be declared at all (entity expansion, external entities): SAML
 *   metadata never needs one;
 * - a document longer than {@link MAX_METADATA_BYTES} (checked before the parser runs, so a
 *   10 MB document costs one length check);
 * - nesting deeper than {@link MAX_DEPTH} and more than {@link MAX_ELEMENTS} elements, so a
 *   document within the size limit still makes a bounded tree.
 *
 * saxes is required on first use: a provider process that never reads metadata never loads it.
 */
import type { SaxesParser as SaxesParserType } from "saxes";

/**
 * The largest metadata document read, in UTF-8 bytes. An IdP's metadata is 2-10 KiB (Entra ID's,
 * with its WS-Federation roles, about 25 KiB); 1 MiB leaves room for any single entity and
 * refuses a federation's aggregate, which is not one IdP.
 */
export const MAX_METADATA_BYTES = 1024 * 1024;
/** The deepest element nesting read. SAML metadata nests about 8 levels. */
export const MAX_DEPTH = 64;
/** The most elements read. One IdP's metadata has a few dozen. */
export const MAX_ELEMENTS = 20_000;

/** Stable codes of {@link MetadataError}. */
export type MetadataErrorCode =
  "too_large" | "doctype" | "malformed" | "too_complex" | "not_saml" | "missing" | "invalid";

/**
 * The most characters of the document a message quotes (a name, a parser's complaint). Messages
 * reach plans, logs and pull-request comments; a document of up to {@link MAX_METADATA_BYTES}
 * must not come back whole inside its own error.
 */
const MAX_EXCERPT_CHARS = 160;
/** The longest message of a {@link MetadataError}, whatever it quotes. */
const MAX_MESSAGE_CHARS = 2000;

/** `text` cut to `max` characters, saying how long it was when cut. */
export function excerpt(text: string, max = MAX_EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

/** Metadata that cannot be used, with a message saying what is missing or wrong and the fix. */
export class MetadataError extends Error {
  override readonly name = "MetadataError";
  constructor(
    readonly code: MetadataErrorCode,
    message: string,
  ) {
    // A backstop: each quoted piece is cut by excerpt() where it is quoted.
    super(excerpt(message, MAX_MESSAGE_CHARS));
  }
}

/** One element: its namespace URI and local name, its attributes without a namespace, its text. */
export interface XmlElement {
  readonly uri: string;
  readonly local: string;
  /** Attributes in no namespace, by local name (SAML metadata's own attributes are all such). */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own character data (CDATA included), concatenated. */
  readonly text: string;
  /** 1-based line of the start tag, for messages. */
  readonly line: number;
}

interface MutableElement {
  uri: string;
  local: string;
  attributes: Map<string, string>;
  children: MutableElement[];
  text: string;
  line: number;
}

type SaxesModule = typeof import("saxes");
let saxes: SaxesModule | undefined;
function saxesModule(): SaxesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  saxes ??= require("saxes") as SaxesModule;
  return saxes;
}

/**
 * Parses `text` (the document `what` names in messages, e.g. "the identity provider metadata")
 * into its root element. Throws {@link MetadataError}.
 */
export function parseXml(text: string, what: string): XmlElement {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_METADATA_BYTES) {
    throw new MetadataError(
      "too_large",
      `${what} is ${bytes} bytes long and at most ${MAX_METADATA_BYTES} are read; ` +
        "give the metadata of one entity, not a federation's aggregate",
    );
  }
  if (text.trim() === "") throw new MetadataError("malformed", `${what} is empty`);
  // Refused before parsing as well as by the parser: a DOCTYPE is where entities are declared.
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw doctypeError(what);
  }
  const { SaxesParser } = saxesModule();
  const parser: SaxesParserType<{ xmlns: true }> = new SaxesParser({ xmlns: true });
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let count = 0;
  parser.on("doctype", () => {
    throw doctypeError(what);
  });
  parser.on("error", (err) => {
    throw new MetadataError(
      "malformed",
      `${what} is not well-formed XML: ${saxesMessage(excerpt(err.message))}`,
    );
  });
  parser.on("opentag", (tag) => {
    count++;
    if (count > MAX_ELEMENTS || stack.length >= MAX_DEPTH) {
      throw new MetadataError(
        "too_complex",
        `${what} has ${count > MAX_ELEMENTS ? `more than ${MAX_ELEMENTS} elements` : `elements nested more than ${MAX_DEPTH} deep`}; ` +
          "SAML metadata of one entity has far fewer",
      );
    }
    const attributes = new Map<string, string>();
    for (const a of Object.values(tag.attributes)) {
      if (a.uri === "") attributes.set(a.local, a.value);
    }
    const el: MutableElement = {
      uri: tag.uri,
      local: tag.local,
      attributes,
      children: [],
      text: "",
      line: parser.line,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  const addText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof MetadataError) throw err;
    throw new MetadataError(
      "malformed",
      `${what} is not well-formed XML: ${excerpt(err instanceof Error ? err.message : String(err))}`,
    );
  }
  if (!root) throw new MetadataError("malformed", `${what} has no root element`);
  return root;
}

/** saxes says "3:14: unexpected close tag."; a message says "line 3, column 14: unexpected close tag". */
function saxesMessage(message: string): string {
  const m = /^(?:[^:]*:)?(\d+):(\d+): (.*?)\.?$/s.exec(message);
  return m ? `line ${m[1]}, column ${m[2]}: ${m[3]}` : message.replace(/\.$/, "");
}

function doctypeError(what: string): MetadataError {
  return new MetadataError(
    "doctype",
    `${what} has a DOCTYPE or ENTITY declaration, which is refused: SAML metadata needs none, ` +
      "and refusing them means no entity is expanded and no external file is read. Remove the " +
      "<!DOCTYPE ...> from the document",
  );
}

/** The children of `el` named `local` in namespace `uri`. */
export function childrenNamed(el: XmlElement, uri: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.uri === uri && c.local === local);
}

/** The descendants of `el` (not `el` itself) named `local` in `uri`, in document order. */
export function descendantsNamed(el: XmlElement, uri: string, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.uri === uri && c.local === local) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
