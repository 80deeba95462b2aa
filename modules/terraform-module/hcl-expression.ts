/**
 * Terraform native syntax for values as cdktf resolves them: strings with `${...}`
 * interpolations (kept as written: they are Terraform expressions), numbers, booleans, null,
 * lists and maps. cdktf's own HCL output leaves quotes unescaped in strings that hold an
 * interpolation (every JSON policy), so the module is rendered here.
 */

const INDENT = "  ";

/** `"..."` with HCL escapes; `${` and `%{` are escaped too, so the text is taken literally. */
export function hclString(text: string): string {
  return `"${escapeLiteral(text)}"`;
}

function escapeLiteral(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    // A function: in a replacement string "$$" would collapse to "$".
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, "%%{");
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

/** A string value: a lone interpolation becomes its bare expression, anything else a quoted template. */
function renderString(text: string): string {
  const parts = templateParts(text);
  if (parts.length === 1 && !parts[0].literal) return parts[0].text.slice(2, -1);
  return `"${parts.map((p) => (p.literal ? escapeLiteral(p.text) : p.text)).join("")}"`;
}

function renderKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : hclString(key);
}

/** A value as a Terraform expression, indented for nesting at `depth`. */
export function renderExpression(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return renderString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${pad}${renderExpression(v, depth + 1)},`).join("\n")}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${pad}${renderKey(k)} = ${renderExpression(v, depth + 1)}`).join("\n")}\n${close}}`;
}
