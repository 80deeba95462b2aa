import { createHash } from "crypto";
import { TerraformJson, compareStrings } from "../../modules/private/terraform-json";
import { bucketRisks } from "./bucket-risks";
import { Found, planContext, subjectOf } from "./found";
import { keyRisks, KEY_TYPES } from "./key-risks";
import { preventDestroyRisks } from "./lifecycle-risks";
import { ChangeKind, PlanJson, ResourceChange, isMarked, pathText } from "./plan-json";
import { policyRisks } from "./policy-risks";

/** One stack to review: its plan and, for the prevent_destroy rule, its configurations. */
export interface StackInput {
  readonly stack: string;
  readonly plan: PlanJson;
  /**
   * The synthesized configuration (cdk.tf.json) before and after the change; `before` is
   * undefined for a stack that did not exist. Without them prevent_destroy is not checked.
   */
  readonly configs?: { readonly before?: TerraformJson; readonly after: TerraformJson };
}

export interface Risk extends Found {
  /** `<rule>-<8 hex>`: the same change in the same stack gets the same id on every run. */
  readonly id: string;
  readonly stack: string;
  readonly accepted: boolean;
}

export interface ChangeRow {
  readonly kind: ChangeKind;
  readonly address: string;
  /** Top-level attributes an update changes, or the paths that force a replacement. */
  readonly attributes: readonly string[];
}

export interface StackReview {
  readonly stack: string;
  readonly counts: Readonly<Record<ChangeKind, number>>;
  readonly changes: readonly ChangeRow[];
  /** Checks that could not run, and why. */
  readonly unchecked: readonly string[];
}

export interface Review {
  readonly stacks: readonly StackReview[];
  readonly risks: readonly Risk[];
  /** `--accept` ids that match no risk of this plan (a fixed risk, or a typo). */
  readonly unmatchedAccepts: readonly string[];
}

export const CHANGE_KINDS: readonly ChangeKind[] = ["create", "update", "replace", "delete", "forget"];

/** Changes that need a reviewer's eye first: the destructive ones. */
const ROW_ORDER: readonly ChangeKind[] = ["delete", "replace", "update", "create", "forget"];

function changedAttributes(change: ResourceChange, kind: ChangeKind): string[] {
  if (kind === "replace") return (change.change.replace_paths ?? []).map(pathText);
  if (kind !== "update") return [];
  const before = (change.change.before ?? {}) as Record<string, unknown>;
  const after = (change.change.after ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => isMarked(change.change.after_unknown, [key]) || JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .sort(compareStrings);
}

function riskId(stack: string, found: Found): string {
  const hash = createHash("sha256").update([stack, found.address, found.rule, found.attribute, found.before, found.after].join("\n")).digest("hex");
  return `${found.rule}-${hash.slice(0, 8)}`;
}

function stackFindings(input: StackInput): Found[] {
  const changes = input.plan.resource_changes ?? [];
  const context = planContext(changes);
  const found = changes.flatMap((change) => {
    const subject = subjectOf(change);
    if (subject === undefined) return [];
    return [...(KEY_TYPES.includes(change.type) ? keyRisks(subject) : []), ...bucketRisks(subject, context), ...policyRisks(subject, context)];
  });
  if (input.configs?.before) found.push(...preventDestroyRisks(input.configs.before, input.configs.after));
  return found;
}

function reviewStack(input: StackInput): StackReview {
  const counts = Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as Record<ChangeKind, number>;
  const rows: ChangeRow[] = [];
  for (const change of input.plan.resource_changes ?? []) {
    const subject = subjectOf(change);
    if (subject === undefined) continue;
    counts[subject.kind]++;
    rows.push({ kind: subject.kind, address: subject.address, attributes: changedAttributes(change, subject.kind) });
  }
  rows.sort((a, b) => ROW_ORDER.indexOf(a.kind) - ROW_ORDER.indexOf(b.kind) || compareStrings(a.address, b.address));
  const unchecked = input.configs ? [] : ["prevent_destroy (it is only in the configuration: pass --before-config and --after-config)"];
  return { stack: input.stack, counts, changes: rows, unchecked };
}

/** Reviews the plans of several stacks; `accept` lists risk ids accepted on purpose. Pure and deterministic. */
export function reviewPlans(inputs: readonly StackInput[], accept: readonly string[] = []): Review {
  const accepted = new Set(accept);
  const risks: Risk[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const found = stackFindings(input).sort(
      (a, b) => compareStrings(a.address, b.address) || compareStrings(a.rule, b.rule) || compareStrings(a.attribute, b.attribute),
    );
    for (const f of found) {
      const id = riskId(input.stack, f);
      if (seen.has(id)) continue;
      seen.add(id);
      risks.push({ ...f, id, stack: input.stack, accepted: accepted.has(id) });
    }
  }
  return { stacks: inputs.map(reviewStack), risks, unmatchedAccepts: [...accepted].filter((id) => !seen.has(id)) };
}
