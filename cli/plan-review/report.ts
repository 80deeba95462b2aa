import { cell, code, table } from "../markdown";
import { Review, Risk, StackReview } from "./review";
import { RISK_RULES, RiskRuleId } from "./rules";

const KIND_LABEL = {
  create: "create",
  update: "update",
  replace: "replace",
  delete: "delete",
  forget: "forget (removed from state, kept in AWS)",
} as const;

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function verdict(review: Review): string {
  const open = review.risks.filter((r) => !r.accepted).length;
  const accepted = review.risks.length - open;
  const stacks = plural(review.stacks.length, "stack");
  if (review.risks.length === 0) return `**No risk found** in ${stacks}.`;
  if (open === 0) return `**${plural(accepted, "risk")}, all accepted on purpose**, in ${stacks}.`;
  return `**${plural(open, "risk")} not accepted**${
    accepted > 0 ? ` (and ${accepted} accepted)` : ""
  } in ${stacks}: fix them, or accept each one on purpose with \`--accept <id>\`.`;
}

function countsTable(stacks: readonly StackReview[]): string {
  return table(
    ["stack", "create", "update", "replace", "delete"],
    stacks.map((s) => [code(s.stack), String(s.counts.create), String(s.counts.update), String(s.counts.replace), String(s.counts.delete)]),
  );
}

function changesSection(stack: StackReview): string {
  const forgets = stack.counts.forget > 0 ? [`${plural(stack.counts.forget, "resource")} removed from the state without being destroyed.`] : [];
  if (stack.changes.length === 0) return [`### \`${stack.stack}\``, "No changes."].join("\n\n");
  const rows = table(
    ["action", "address", "attributes"],
    stack.changes.map((c) => [cell(KIND_LABEL[c.kind]), code(c.address), c.attributes.length > 0 ? c.attributes.map(code).join(", ") : ""]),
  );
  return [
    `### \`${stack.stack}\``,
    ...forgets,
    `<details><summary>${plural(stack.changes.length, "change")}</summary>\n\n${rows}\n\n</details>`,
  ].join("\n\n");
}

function risksTable(risks: readonly Risk[], multipleStacks: boolean): string {
  return table(
    ["id", "risk", ...(multipleStacks ? ["stack"] : []), "address", "attribute", "before → after", "status"],
    risks.map((r) => [
      code(r.id),
      cell(r.detail ? `${RISK_RULES[r.rule].title}: ${r.detail}` : RISK_RULES[r.rule].title),
      ...(multipleStacks ? [code(r.stack)] : []),
      code(r.address),
      code(r.attribute),
      `${code(r.before)} → ${code(r.after)}`,
      r.accepted ? cell("accepted (--accept)") : cell("**not accepted**"),
    ]),
  );
}

function legend(risks: readonly Risk[]): string {
  const rules = [...new Set(risks.map((r) => r.rule))].sort() as RiskRuleId[];
  return rules.map((rule) => `- \`${rule}\`: ${RISK_RULES[rule].why}.`).join("\n");
}

/** The review as Markdown: verdict, changes per stack, risks with ids, what was not checked. Deterministic. */
export function reviewMarkdown(review: Review): string {
  const unchecked = review.stacks.flatMap((s) => s.unchecked.map((what) => `- \`${s.stack}\`: ${what}`));
  return (
    [
      "# Plan review",
      verdict(review),
      "## Changes",
      countsTable(review.stacks),
      ...review.stacks.map(changesSection),
      "## Risks",
      ...(review.risks.length > 0
        ? [risksTable(review.risks, review.stacks.length > 1), legend(review.risks)]
        : ["None: no key or bucket is deleted, replaced or weakened, and no key or bucket policy lets more through."]),
      ...(review.unmatchedAccepts.length > 0
        ? [`Accepted ids that match no risk of these plans: ${review.unmatchedAccepts.map(code).join(", ")}.`]
        : []),
      ...(unchecked.length > 0 ? ["## Not checked", unchecked.join("\n")] : []),
    ].join("\n\n") + "\n"
  );
}
