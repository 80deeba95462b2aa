import { renderExpression } from "./hcl-expression";

/**
 * Renders the body of a block from a cdktf HCL fragment. Provider attributes arrive wrapped as
 * `{ value, type, isBlock }` (the schema says which are nested blocks); meta-arguments
 * (`count`, `depends_on`, `lifecycle`) arrive bare.
 */

const INDENT = "  ";
/** Meta-arguments written as blocks. */
const META_BLOCKS = ["lifecycle"];

interface Wrapped {
  readonly value: unknown;
  readonly type?: string;
  readonly isBlock?: boolean;
  readonly is_block?: boolean;
}

function isWrapped(value: unknown): value is Wrapped {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "value" in value && "type" in value;
}

function nestedBlocks(name: string, value: unknown, depth: number): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => renderBlock(name, item as Record<string, unknown>, depth));
}

function attribute(name: string, value: unknown, depth: number): string {
  return `${INDENT.repeat(depth)}${name} = ${renderExpression(value, depth)}`;
}

function renderEntry(name: string, value: unknown, depth: number): string[] {
  if (value === undefined || name === "//") return [];
  if (isWrapped(value)) {
    if (value.isBlock || value.is_block) return nestedBlocks(name, value.value, depth);
    // Variable types (`list(string)`) are type expressions, not strings.
    if (value.type === "type") return [`${INDENT.repeat(depth)}${name} = ${value.value}`];
    return [attribute(name, value.value, depth)];
  }
  if (META_BLOCKS.includes(name)) return nestedBlocks(name, value, depth);
  // depends_on takes bare resource addresses, which cdktf gives as plain strings.
  if (name === "depends_on") return [`${INDENT.repeat(depth)}${name} = [${(value as string[]).join(", ")}]`];
  return [attribute(name, value, depth)];
}

/** `<header> {` body `}` at the given nesting depth. */
export function renderBlock(header: string, body: Record<string, unknown>, depth = 0): string {
  const pad = INDENT.repeat(depth);
  const lines = Object.entries(body).flatMap(([name, value]) => renderEntry(name, value, depth + 1));
  return `${pad}${header} {\n${lines.map((l) => `${l}\n`).join("")}${pad}}`;
}
