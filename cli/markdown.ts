/** GitHub-flavoured Markdown pieces whose content can never break the surrounding table. */

/** A table cell: pipes escaped, HTML inert, line breaks as <br>. */
export function cell(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** Inline code in a cell (addresses, ARNs): backticks inside are replaced, pipes still escaped. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\r?\n/g, " ")}\``;
}

/** Rows are already-formatted cells (use `cell` or `code`). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}
