/**
 * Terraform native syntax for values, laid out as `tofu fmt` leaves them: strings (with `${...}`
 * interpolations kept as written: they are Terraform expressions), numbers, booleans, null,
 * lists, objects, and raw expressions (`var.x`, `jsonencode(...)`), which are written as given.
 */

export const INDENT = "  ";
/** Lists and objects whose one-line form is longer than this are written one element a line. */
const INLINE_WIDTH = 80;

/**
 * A Terraform expression written as is: a reference, a function call, a conditional. One that
 * spans lines renders itself for the nesting depth it lands at.
 */
export class Expression {
  constructor(readonly render: (depth: number) => string) {}
}

/** An expression of fixed (one-line) text. */
export function expr(text: string): Expression {
  return new Expression(() => text);
}

/** `name(args)` on one line when it fits, else one argument a line (with the trailing comma fmt accepts). */
export function call(name: string, ...args: HclValue[]): Expression {
  return new Expression((depth) => {
    const oneLine = args.map(inline);
    const text = `${name}(${oneLine.join(", ")})`;
    if (oneLine.every((a) => a !== undefined) && text.length <= INLINE_WIDTH) return text;
    const pad = INDENT.repeat(depth + 1);
    return `${name}(\n${args.map((a) => `${pad}${renderExpression(a, depth + 1)},`).join("\n")}\n${INDENT.repeat(depth)})`;
  });
}

/**
 * `f({ ... })`, or `f(g({ ... }))` for nested names, with the object hugged by the parentheses:
 * `jsonencode({`, `object({`, `map(object({`.
 */
export function callWithObject(names: string | readonly string[], object: { readonly [key: string]: HclValue }): Expression {
  const calls = typeof names === "string" ? [names] : names;
  return new Expression((depth) => `${calls.map((n) => `${n}(`).join("")}${renderExpression(object, depth)}${")".repeat(calls.length)}`);
}

/** `condition ? value : otherwise`, the value laid out for the line it starts on. */
export function conditional(condition: string, value: HclValue, otherwise: HclValue): Expression {
  return new Expression((depth) => `${condition} ? ${renderExpression(value, depth)} : ${renderExpression(otherwise, depth)}`);
}

/** What the writer accepts: plain data, with Expressions where Terraform should compute. */
export type HclValue = string | number | boolean | null | undefined | Expression | readonly HclValue[] | { readonly [key: string]: HclValue };

/** `"..."` with HCL escapes; `${` and `%{` are escaped too, so the text is taken literally. */
export function hclString(text: string): string {
  return `"${escapeLiteral(text)}"`;
}

function escapeLiteral(text: string): string {
  return (
    text
      .replace(/\\/g, "\\\\")
      .replace(/"/g, '\\"')
      .replace(/\n/g, "\\n")
      .replace(/\r/g, "\\r")
      .replace(/\t/g, "\\t")
      // A function: in a replacement string "$$" would collapse to "$".
      .replace(/\$\{/g, () => "$${")
      .replace(/%\{/g, "%%{")
  );
}

/** Index just past the `}` that closes the interpolation opened at `start` (`${`), minding quoted strings. */
function interpolationEnd(text: string, start: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced interpolation in ${JSON.stringify(text)}`);
}

/** Splits a resolved string into literal text and `${...}` interpolations. */
export function templateParts(text: string): { literal: boolean; text: string }[] {
  const parts: { literal: boolean; text: string }[] = [];
  let at = 0;
  for (let i = text.indexOf("${"); i !== -1; i = text.indexOf("${", at)) {
    if (i > at) parts.push({ literal: true, text: text.slice(at, i) });
    at = interpolationEnd(text, i);
    parts.push({ literal: false, text: text.slice(i, at) });
  }
  if (at < text.length) parts.push({ literal: true, text: text.slice(at) });
  return parts;
}

/** A string value: a lone interpolation becomes its bare expression (as `tofu fmt` unwraps it), anything else a quoted template. */
function renderString(text: string): string {
  const parts = templateParts(text);
  if (parts.length === 1 && !parts[0].literal) return parts[0].text.slice(2, -1);
  return `"${parts.map((p) => (p.literal ? escapeLiteral(p.text) : p.text)).join("")}"`;
}

/** An object key: bare when it is an identifier, quoted otherwise (`"kms:ViaService"`). */
export function renderKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : hclString(key);
}

/**
 * `key = value` lines at one nesting level, `=` aligned across each run of one-line entries as
 * `tofu fmt` aligns them (an entry spanning lines ends the run).
 */
export function alignedEntries(entries: readonly { key: string; text: string }[], pad: string): string[] {
  const lines: string[] = [];
  let run: { key: string; text: string }[] = [];
  const flush = () => {
    const width = Math.max(...run.map((e) => e.key.length));
    for (const e of run) lines.push(`${pad}${e.key.padEnd(width)} = ${e.text}`);
    run = [];
  };
  for (const entry of entries) {
    if (entry.text.includes("\n")) {
      if (run.length > 0) flush();
      lines.push(`${pad}${entry.key} = ${entry.text}`);
    } else {
      run.push(entry);
    }
  }
  if (run.length > 0) flush();
  return lines;
}

function isExpression(value: unknown): value is Expression {
  return value instanceof Expression;
}

function inline(value: HclValue): string | undefined {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return renderString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isExpression(value)) {
    const text = value.render(0);
    return text.includes("\n") ? undefined : text;
  }
  if (Array.isArray(value)) {
    const items = value.map(inline);
    return items.every((i) => i !== undefined) ? `[${items.join(", ")}]` : undefined;
  }
  const entries = Object.entries(value as Record<string, HclValue>);
  if (entries.length === 0) return "{}";
  // One-entry objects only (`{ AWS = var.x }`): with more, one entry a line reads better.
  if (entries.length > 1) return undefined;
  const [[key, v]] = entries;
  const text = inline(v);
  return text === undefined ? undefined : `{ ${renderKey(key)} = ${text} }`;
}

/** A value as a Terraform expression, indented for nesting at `depth`. */
export function renderExpression(value: HclValue, depth = 0): string {
  const oneLine = inline(value);
  const composite = isExpression(value) || (value !== null && typeof value === "object");
  if (oneLine !== undefined && (!composite || oneLine.length <= INLINE_WIDTH)) return oneLine;
  if (isExpression(value)) return value.render(depth);
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${pad}${renderExpression(v, depth + 1)},`).join("\n")}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, HclValue>).map(([k, v]) => ({ key: renderKey(k), text: renderExpression(v, depth + 1) }));
  return `{\n${alignedEntries(entries, pad).join("\n")}\n${close}}`;
}
