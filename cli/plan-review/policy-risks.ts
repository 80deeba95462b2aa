import { LooseStatement, readPolicy } from "../../modules/private/policy-reading";
import { Found, PlanContext, Subject } from "./found";
import { changeKind, isMarked, valueAt } from "./plan-json";
import { PolicyWidening, WideningKind, policyWidenings } from "./policy-diff";
import { RiskRuleId } from "./rules";

/** Resources whose `policy` attribute is a key or bucket policy. */
const POLICY_RULES: Readonly<Record<string, RiskRuleId>> = {
  aws_kms_key: "key-policy-widened",
  aws_kms_replica_key: "key-policy-widened",
  aws_kms_key_policy: "key-policy-widened",
  aws_s3_bucket_policy: "bucket-policy-widened",
};

export const POLICY_TYPES = Object.keys(POLICY_RULES);

const WIDENING: Readonly<Record<WideningKind, string>> = {
  "allow-added": "Allow statement added",
  "principal-added": "principal added to an Allow",
  "action-added": "action added to an Allow",
  "resource-added": "resource added to an Allow",
  "condition-removed": "condition removed from an Allow",
  "condition-loosened": "condition of an Allow loosened",
  "deny-removed": "Deny removed",
  "deny-narrowed": "Deny narrowed",
};

/** A policy as the plan holds it: statements, none (no policy), or why it cannot be compared. */
type Policy = { readonly statements: readonly LooseStatement[] } | { readonly cannot: string };

function policyFrom(value: unknown): Policy {
  if (value === undefined || value === null || value === "") return { statements: [] };
  const reading = readPolicy(value);
  return "statements" in reading ? reading : { cannot: "cannot be read as a policy document" };
}

/** The policy a resource the plan does not replace had before: a no-op or update entry of the same plan. */
function policyOfExisting(context: PlanContext, types: readonly string[], matches: (before: unknown) => boolean): unknown {
  const existing = context.changes.find((c) => types.includes(c.type) && changeKind(c) !== "create" && matches(c.change.before));
  return existing ? valueAt(existing.change.before, ["policy"]) : undefined;
}

/**
 * What the policy was before this plan, or undefined when there is nothing to compare with (a
 * new key or bucket, or one this plan deletes: the delete risk covers it).
 */
function previousPolicy({ change, kind }: Subject, context: PlanContext): Policy | undefined {
  const target = (attribute: string) => valueAt(kind === "create" ? change.change.after : change.change.before, [attribute]);
  const targetKnown = (attribute: string) => kind !== "create" || !isMarked(change.change.after_unknown, [attribute]);
  if (change.type === "aws_s3_bucket_policy") {
    const bucket = target("bucket");
    if (!targetKnown("bucket") || (typeof bucket === "string" && context.bucketsGoing.has(bucket))) return undefined;
    if (kind === "create") return policyFrom(policyOfExisting(context, ["aws_s3_bucket"], (before) => valueAt(before, ["bucket"]) === bucket));
  } else if (change.type === "aws_kms_key_policy") {
    const key = target("key_id");
    if (!targetKnown("key_id") || (typeof key === "string" && context.keysGoing.has(key))) return undefined;
    if (kind === "create")
      return policyFrom(
        policyOfExisting(context, ["aws_kms_key", "aws_kms_replica_key"], (before) =>
          ["key_id", "arn", "id"].some((a) => valueAt(before, [a]) === key),
        ),
      );
  } else if (kind === "create" || kind === "delete") {
    return undefined; // a new key, or a deleted one (key-delete covers it)
  }
  return policyFrom(valueAt(change.change.before, ["policy"]));
}

function nextPolicy({ change, kind }: Subject): Policy {
  if (kind === "delete") return { statements: [] };
  if (isMarked(change.change.after_unknown, ["policy"])) return { cannot: "known only after apply" };
  return policyFrom(valueAt(change.change.after, ["policy"]));
}

function toFound(rule: RiskRuleId, address: string, widening: PolicyWidening): Found {
  return {
    rule,
    address,
    attribute: `policy ${widening.statement} ${widening.element}`,
    before: widening.before,
    after: widening.after,
    detail: WIDENING[widening.kind],
  };
}

export function policyRisks(subject: Subject, context: PlanContext): Found[] {
  const rule = POLICY_RULES[subject.change.type];
  if (rule === undefined || subject.kind === "forget") return [];
  const before = previousPolicy(subject, context);
  if (before === undefined) return [];
  const after = nextPolicy(subject);
  if ("cannot" in before || "cannot" in after) {
    const why = "cannot" in after ? `the new policy ${after.cannot}` : `the old policy ${(before as { cannot: string }).cannot}`;
    return [
      {
        rule,
        address: subject.address,
        attribute: "policy",
        before: "cannot" in before ? before.cannot : "readable",
        after: "cannot" in after ? after.cannot : "readable",
        detail: `${why}: compare it by hand`,
      },
    ];
  }
  const found = policyWidenings(before.statements, after.statements).map((w) => toFound(rule, subject.address, w));
  const { before_sensitive: hiddenBefore, after_sensitive: hiddenAfter } = subject.change.change;
  if (!isMarked(hiddenBefore, ["policy"]) && !isMarked(hiddenAfter, ["policy"])) return found;
  return found.map((f) => ({ ...f, before: "(sensitive)", after: "(sensitive)" }));
}
