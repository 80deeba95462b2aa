import { Issue, issue, unchecked } from "./findings";
import {
  LooseStatement,
  PolicyReading,
  conditionValues,
  coversAction,
  describeConditions,
  isAccountRoot,
  isAllow,
  principalsOf,
  readPolicy,
} from "../private/policy-reading";
import { StackIndex, referencedKey } from "./stack-index";
import { ResourceRef, isExpression, isTrue } from "../private/terraform-json";

/** Actions that control the key itself: whoever has one of them administers it. */
const ADMINISTER_ACTIONS = ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"];
/** Actions that use the key for data, directly or through a grant. */
const USE_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant"];

/** Everything the report shows and the rules check about one `aws_kms_key` or `aws_kms_replica_key`. */
export interface KeyFacts {
  readonly ref: ResourceRef;
  readonly aliases: string[];
  readonly isReplica: boolean;
  /** Only symmetric encryption keys rotate automatically; a replica rotates with its primary. */
  readonly rotationApplies: boolean;
  readonly rotationEnabled: unknown;
  readonly rotationPeriodInDays: unknown;
  /** As synthesized; AWS applies 30 when unset. */
  readonly deletionWindowInDays: unknown;
  /** "default" when no policy is set: AWS's default key policy gives kms:* to the account root only. */
  readonly policy: PolicyReading | "default";
  readonly administrators: string[];
  readonly users: string[];
  /** Conditions of each statement that allows kms:CreateGrant, one line per statement. */
  readonly grantConditions: string[];
}

/** The effective policy: an `aws_kms_key_policy` for the key wins over the key's own `policy` argument. */
function policyOf(index: StackIndex, key: ResourceRef): KeyFacts["policy"] {
  const attached = index.keyPolicies.find((p) => referencedKey(index, p.config.key_id) === key);
  const value = attached ? attached.config.policy : key.config.policy;
  return value === undefined ? "default" : readPolicy(value);
}

function allowedPrincipals(statements: LooseStatement[], actions: string[]): string[] {
  const principals = statements.filter((s) => isAllow(s) && actions.some((a) => coversAction(s, a))).flatMap(principalsOf);
  return [...new Set(principals)].sort();
}

/** "statement <Sid>", or its position when it has no Sid. */
function label(statement: LooseStatement, index: number): string {
  return `statement ${statement.Sid ?? index + 1}`;
}

function grantConditionLines(statements: LooseStatement[]): string[] {
  return statements.flatMap((s, i) =>
    isAllow(s) && coversAction(s, "kms:CreateGrant") ? [`${label(s, i)}: ${describeConditions(s).join("; ") || "no conditions"}`] : [],
  );
}

export function keyFacts(index: StackIndex, key: ResourceRef): KeyFacts {
  const isReplica = key.type === "aws_kms_replica_key";
  const spec = key.config.customer_master_key_spec;
  const policy = policyOf(index, key);
  const statements = policy !== "default" && "statements" in policy ? policy.statements : [];
  return {
    ref: key,
    aliases: index.aliases
      .filter((a) => referencedKey(index, a.config.target_key_id) === key)
      .map((a) => String(a.config.name))
      .sort(),
    isReplica,
    rotationApplies: !isReplica && (spec === undefined || spec === "SYMMETRIC_DEFAULT" || isExpression(spec)),
    rotationEnabled: key.config.enable_key_rotation,
    rotationPeriodInDays: key.config.rotation_period_in_days,
    deletionWindowInDays: key.config.deletion_window_in_days,
    policy,
    administrators: policy === "default" ? ["account root (default key policy)"] : allowedPrincipals(statements, ADMINISTER_ACTIONS),
    users: policy === "default" ? ["account root (default key policy)"] : allowedPrincipals(statements, USE_ACTIONS),
    grantConditions: grantConditionLines(statements),
  };
}

function rotationIssues(facts: KeyFacts): Issue[] {
  if (!facts.rotationApplies) return [];
  if (isExpression(facts.rotationEnabled)) return [unchecked("LVE-KMS-001", `enable_key_rotation is ${facts.rotationEnabled}`)];
  return isTrue(facts.rotationEnabled)
    ? []
    : [issue("LVE-KMS-001", `automatic rotation is off (enable_key_rotation is ${JSON.stringify(facts.rotationEnabled ?? null)})`)];
}

function deletionWindowIssues(facts: KeyFacts): Issue[] {
  const days = facts.deletionWindowInDays;
  if (isExpression(days)) return [unchecked("LVE-KMS-004", `deletion_window_in_days is ${days}`)];
  return days !== undefined && Number(days) < 30 ? [issue("LVE-KMS-004", `deletion_window_in_days is ${days}, under 30`)] : [];
}

/**
 * The account root's kms:* statement is AWS's default: it hands the decision to the account's
 * IAM policies, where a CreateGrant condition belongs. So statements whose principals are all
 * account roots are exempt from both policy rules; any other principal is not.
 */
function policyIssues(facts: KeyFacts): Issue[] {
  if (facts.policy === "default") return [];
  if ("unreadable" in facts.policy) {
    return [unchecked("LVE-KMS-002", facts.policy.unreadable), unchecked("LVE-KMS-003", facts.policy.unreadable)];
  }
  return facts.policy.statements.flatMap((statement, i) => {
    if (!isAllow(statement)) return [];
    const others = principalsOf(statement).filter((p) => !isAccountRoot(p));
    if (others.length === 0) return [];
    const found: Issue[] = [];
    if (coversAction(statement, "kms:*")) {
      found.push(issue("LVE-KMS-002", `${label(statement, i)} allows kms:* to ${others.join(", ")}`));
    }
    if (coversAction(statement, "kms:CreateGrant") && !conditionValues(statement, "Bool", "kms:GrantIsForAWSResource").includes("true")) {
      found.push(
        issue("LVE-KMS-003", `${label(statement, i)} allows kms:CreateGrant to ${others.join(", ")} without Bool kms:GrantIsForAWSResource = true`),
      );
    }
    return found;
  });
}

export function keyIssues(facts: KeyFacts): Issue[] {
  return [...rotationIssues(facts), ...policyIssues(facts), ...deletionWindowIssues(facts)];
}
