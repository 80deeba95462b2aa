import { cell, code, table } from "../cli/markdown";
import { ruleMapTable } from "../cli/posture-report/rule-map";
import { CHECKOV_SKIPS } from "./checkov-skips";

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
  return doc.replace(/<!-- ([a-z-]+) -->\n[\s\S]*?<!-- \/\1 -->/g, (all, name: string) =>
    name in GENERATED ? `<!-- ${name} -->\n${GENERATED[name]()}\n<!-- /${name} -->` : all,
  );
}
