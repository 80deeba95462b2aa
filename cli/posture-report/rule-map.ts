import { CHECKOV_SKIPS } from "../../tools/checkov-skips";
import { cell, code, table } from "../markdown";
import { RULES, RULE_IDS } from "../../modules/posture/rules";

function ids(values: readonly string[]): string {
  return values.length === 0 ? cell("-") : values.map(code).join(", ");
}

/** Each LVE rule with the Security Hub controls and checkov checks that check the same thing: docs/posture.md and the report. */
export function ruleMapTable(): string {
  return table(
    ["rule", "severity", "what it wants", "Security Hub", "checkov"],
    RULE_IDS.map((id) => [code(id), cell(RULES[id].severity), cell(RULES[id].title), ids(RULES[id].securityHub), ids(RULES[id].checkov)]),
  );
}

/** Every entry of CHECKOV_SKIPS with its reason: docs/posture.md. */
export function checkovSkipsTable(): string {
  return table(
    ["check", "resource type", "covers", "reason"],
    CHECKOV_SKIPS.map((s) => [code(s.check), code(s.resourceType), cell(s.scope), cell(s.reason)]),
  );
}

const GENERATED: Readonly<Record<string, () => string>> = { "rule-map": ruleMapTable, "checkov-skips": checkovSkipsTable };

/** docs/posture.md with every `<!-- name -->...<!-- /name -->` block of GENERATED rewritten from the data. */
export function renderPostureDoc(doc: string): string {
  return doc.replace(/<!-- ([a-z-]+) -->\n[\s\S]*?<!-- \/\1 -->/g, (all, name: string) => (name in GENERATED ? `<!-- ${name} -->\n${GENERATED[name]()}\n<!-- /${name} -->` : all));
}
