/** GitHub-flavoured Markdown pieces whose content can never break the surrounding table. */

/**
 * A table cell: pipes escaped, line breaks as <br>, and `&`, `<`, `>` shown as text outside code
 * spans (GitHub drops `<placeholder>` as an unknown HTML tag; inside a code span an entity would
 * show literally).
 */
export function cell(text: string): string {
  return text
    .split("`")
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("`")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>");
}

/** Inline code in a cell (addresses, ARNs): backticks inside are replaced, pipes still escaped. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\r?\n/g, " ")}\``;
}

/** Rows are already-formatted cells (use `cell` or `code`); `alignment` is the delimiter row's cells, `---` each by default. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], alignment?: readonly string[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const delimiter = alignment ? `|${alignment.join("|")}|` : line(headers.map(() => "---"));
  return [line(headers), delimiter, ...rows.map(line)].join("\n");
}
