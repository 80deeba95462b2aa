import { RULES, RULE_IDS } from "../../modules/posture/rules";
import { cell, code, table } from "../markdown";

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
