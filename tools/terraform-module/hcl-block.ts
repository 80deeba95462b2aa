import { HclValue, INDENT, alignedEntries, hclString, renderExpression } from "./hcl-expression";

/**
 * Blocks of Terraform native syntax (`resource "type" "name" { ... }`, `variable`, `run`, nested
 * blocks), written as `tofu fmt` leaves them: two-space indent, `=` aligned across each run of
 * one-line attributes, a blank line wherever the body asks for one.
 */

export interface HclAttribute {
  readonly kind: "attribute";
  readonly name: string;
  readonly value: HclValue;
}

export interface HclBlock {
  readonly kind: "block";
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: readonly BodyItem[];
  /**
   * Comment lines written above the block header, without the `#`: a reason for a reader, or
   * a scanner directive such as `checkov:skip=CKV_AWS_18:reason`.
   * @default []
   */
  readonly comments?: readonly string[];
}

/** A blank line between groups of a body. */
export interface HclBlank {
  readonly kind: "blank";
}

/** A comment line inside a body. */
export interface HclComment {
  readonly kind: "comment";
  readonly text: string;
}

export type BodyItem = HclAttribute | HclBlock | HclBlank | HclComment;

export function attribute(name: string, value: HclValue): HclAttribute {
  return { kind: "attribute", name, value };
}

export function block(type: string, labels: readonly string[], body: readonly BodyItem[], comments: readonly string[] = []): HclBlock {
  return { kind: "block", type, labels, body, comments };
}

export const BLANK: HclBlank = { kind: "blank" };

export function comment(text: string): HclComment {
  return { kind: "comment", text };
}

/** Attributes from an object, in its key order; undefined values are left out. */
export function attributes(values: { readonly [name: string]: HclValue }): HclAttribute[] {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => attribute(name, value));
}

/** Items with one blank line between groups, none leading, trailing or doubled. */
export function separated(groups: readonly (readonly BodyItem[])[]): BodyItem[] {
  return groups.filter((g) => g.length > 0).flatMap((g, i) => (i === 0 ? [...g] : [BLANK, ...g]));
}

function renderBody(items: readonly BodyItem[], depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const lines: string[] = [];
  let run: { key: string; text: string }[] = [];
  const flush = () => {
    lines.push(...alignedEntries(run, pad));
    run = [];
  };
  for (const item of items) {
    if (item.kind === "attribute") {
      run.push({ key: item.name, text: renderExpression(item.value, depth) });
      continue;
    }
    flush();
    if (item.kind === "blank") lines.push("");
    else if (item.kind === "comment") lines.push(`${pad}# ${item.text}`);
    else lines.push(renderBlock(item, depth));
  }
  flush();
  return lines;
}

/** A block at the given nesting depth: comment lines, header, body, closing brace. */
export function renderBlock(b: HclBlock, depth = 0): string {
  const pad = INDENT.repeat(depth);
  const header = [b.type, ...b.labels.map(hclString)].join(" ");
  const comments = (b.comments ?? []).map((c) => `${pad}# ${c}\n`).join("");
  const body = renderBody(b.body, depth + 1);
  if (body.length === 0) return `${comments}${pad}${header} {}`;
  return `${comments}${pad}${header} {\n${body.join("\n")}\n${pad}}`;
}

/** A file of top-level blocks, one blank line between them, ending in a newline. */
export function renderFile(blocks: readonly HclBlock[], header: readonly string[] = []): string {
  const top = header.map((line) => `# ${line}\n`).join("");
  return `${top}${top ? "\n" : ""}${blocks.map((b) => renderBlock(b)).join("\n\n")}\n`;
}
