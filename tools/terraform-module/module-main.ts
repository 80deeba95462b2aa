import { BodyItem, HclBlock, attribute, block, comment, separated } from "./hcl-block";
import { HclValue, expr } from "./hcl-expression";
import { checkovSkipDirective, checkovSkipsFor } from "../checkov-skips";
import { ModuleResource, ResourceAdditions, moduleResources } from "./module-resources";
import { ModuleSource, snakeCase } from "./module-source";
import { S3_ENDPOINT, SERVICE_ENDPOINT, keyOwnerPolicyExpression, keyPolicyExpression, policyAdditions } from "./module-policies";
import { PROFILES, ResourceRule, bucketNameRulesValue } from "./variables";
import { Rule } from "./validation-rules";

/** main.tf: the data sources, the locals, and the constructs' resources at their table addresses. */

/** Section headings, above the first resource of each group. */
const SECTIONS: Readonly<Record<string, string>> = {
  "aws_kms_key.this": "KMS key: new, or a replica of a multi-region primary (none with key.existing_key)",
  "aws_s3_bucket.console": "Console bucket",
  "aws_s3_bucket.output": "Output buckets, one per entry of var.output_buckets",
  "aws_s3_bucket.access_logs": "Server access log bucket shared by the data buckets",
  "aws_iam_policy.users": "IAM policy for the key users",
};

/** `precondition { ... }` / `postcondition { ... }` of a rule. */
export function checkBlock(kind: "precondition" | "postcondition" | "validation", rule: Rule): HclBlock {
  return block(kind, [], [attribute("condition", expr(rule.condition)), attribute("error_message", rule.message)]);
}

/** The service profiles as module data: `local.profiles["lookout-vision"].service_host`. */
function profilesValue(): HclValue {
  return Object.fromEntries(
    PROFILES.map((p) => [p.slug, Object.fromEntries(Object.entries(p).map(([field, value]) => [snakeCase(field), value as HclValue]))]),
  );
}

function localsBlock(): HclBlock {
  /** An attribute whose value is Terraform expression text. */
  const a = (name: string, expression: string) => attribute(name, expr(expression));
  const body: BodyItem[] = separated([
    [
      comment("Service profiles (modules/service-profile.ts): what differs between the services."),
      attribute("profiles", profilesValue()),
      a("profile", "local.profiles[var.service_profile]"),
    ],
    [
      comment("Where the resources are: the caller's provider, or var.region and var.account_id."),
      a("partition", "data.aws_partition.current.partition"),
      a("dns_suffix", "data.aws_partition.current.dns_suffix"),
      a("region", "data.aws_region.current.region"),
      a("account_id", "var.account_id != null ? var.account_id : one(data.aws_caller_identity.current[*].account_id)"),
      attribute("account_root_arn", "arn:${local.partition}:iam::${local.account_id}:root"),
      attribute("s3_endpoint", S3_ENDPOINT),
      attribute("service_endpoint", SERVICE_ENDPOINT),
    ],
    [
      comment("The key: bring your own (key.existing_key), a replica of a multi-region primary (key.replica_of), or new."),
      comment("Objects, not ARNs, switch the kind: an ARN known only after apply still leaves count known."),
      a("bring_your_own_key", "var.key.existing_key != null"),
      a("create_replica_key", "var.key.replica_of != null"),
      a("create_key", "!local.bring_your_own_key && !local.create_replica_key"),
      a("key_arn", "local.bring_your_own_key ? var.key.existing_key.arn : one(concat(aws_kms_key.this[*].arn, aws_kms_replica_key.this[*].arn))"),
      a(
        "key_id",
        'local.bring_your_own_key ? element(split("/", var.key.existing_key.arn), 1) : one(concat(aws_kms_key.this[*].key_id, aws_kms_replica_key.this[*].key_id))',
      ),
      comment("Accounts whose principals may use the key through the services: this one and the key users'."),
      a("key_user_accounts", 'distinct(concat([local.account_id], [for arn in var.key_user_arns : split(":", arn)[4]]))'),
      attribute("key_policy", keyPolicyExpression()),
      comment("What the owner of a bring-your-own key grants: the key users, or this account when there are none."),
      a("key_user_principals", "length(var.key_user_arns) > 0 ? distinct(var.key_user_arns) : [local.account_root_arn]"),
      attribute("key_owner_policy", keyOwnerPolicyExpression()),
    ],
    [
      comment("Buckets: the console bucket and the output buckets hold data; the log bucket logs them."),
      a("console_bucket_suffix", "coalesce(var.console_bucket.suffix, local.account_id)"),
      a("data_bucket_arns", "concat(aws_s3_bucket.console[*].arn, [for bucket in aws_s3_bucket.output : bucket.arn])"),
      comment("S3 bucket naming rules (modules/validation.ts): a valid name matches each pattern whose valid is true, and no other."),
      attribute("s3_bucket_name_rules", bucketNameRulesValue()),
    ],
  ]);
  return block("locals", [], body);
}

function dataBlocks(): HclBlock[] {
  return [
    block("data", ["aws_partition", "current"], []),
    block("data", ["aws_region", "current"], [attribute("region", expr("var.region"))]),
    block(
      "data",
      ["aws_caller_identity", "current"],
      [comment("Read only when var.account_id is not given."), attribute("count", expr("var.account_id == null ? 1 : 0"))],
    ),
  ];
}

/** The bucket that receives the data buckets' S3 server access logs. */
const ACCESS_LOG_BUCKET = "aws_s3_bucket.access_logs";

/** The checkov findings the design accepts on purpose (tools/checkov-skips.ts), as directives. */
export function scannerDirectives(type: string, address: string): string[] {
  return checkovSkipsFor({ resourceType: type, receivesAccessLogs: address === ACCESS_LOG_BUCKET }).map(checkovSkipDirective);
}

export interface ModuleMain {
  readonly resources: ModuleResource[];
  readonly blocks: HclBlock[];
}

/** The blocks of main.tf, and the resources with their table rows (for the README and docs). */
export function moduleMain(source: ModuleSource, rules: readonly ResourceRule[]): ModuleMain {
  const additions: Record<string, ResourceAdditions> = policyAdditions(source);
  for (const r of rules) {
    const current = additions[r.address] ?? {};
    additions[r.address] = { ...current, lifecycle: [...(current.lifecycle ?? []), checkBlock(r.kind, r.rule)] };
  }
  for (const [address, heading] of Object.entries(SECTIONS)) additions[address] = { ...additions[address], comments: [heading] };
  const resources = moduleResources(source, additions, scannerDirectives);
  return { resources, blocks: [...dataBlocks(), localsBlock(), ...resources.map((r) => r.block)] };
}
