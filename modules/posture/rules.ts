/** The encryption posture rules: stable ids (users suppress and search by them), severity, and the fix. */

export type Severity = "error" | "warning";

export interface Rule {
  readonly severity: Severity;
  /** What the rule wants, as a heading for docs and reports. */
  readonly title: string;
  readonly fix: string;
}

export const RULES = {
  "LVE-S3-001": {
    severity: "error",
    title: "Bucket has default encryption",
    fix: "Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm \"aws:kms\" and your key (EncryptedBucket does this).",
  },
  "LVE-S3-002": {
    severity: "warning",
    title: "Data bucket encrypts with SSE-KMS, not SSE-S3 only",
    fix: "Set sse_algorithm = \"aws:kms\" and kms_master_key_id = a customer managed key, so the key policy governs who reads the data.",
  },
  "LVE-S3-003": {
    severity: "warning",
    title: "SSE-KMS bucket uses an S3 Bucket Key",
    fix: "Set bucket_key_enabled = true in the encryption rule: S3 then calls KMS per bucket, not per object (cost, throttling).",
  },
  "LVE-S3-004": {
    severity: "error",
    title: "Bucket blocks all public access",
    fix: "Add an aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.",
  },
  "LVE-S3-005": {
    severity: "error",
    title: "Bucket policy denies requests without TLS",
    fix: "Add a bucket policy statement: Deny, Principal \"*\", Action \"s3:*\", Resource the bucket ARN and \"<bucket ARN>/*\", Condition Bool aws:SecureTransport = \"false\".",
  },
  "LVE-S3-006": {
    severity: "warning",
    title: "Data bucket is not force_destroy",
    fix: "Set force_destroy = false: with true, `terraform destroy` deletes the bucket with every object in it.",
  },
  "LVE-KMS-001": {
    severity: "error",
    title: "Key rotates automatically",
    fix: "Set enable_key_rotation = true (and rotation_period_in_days, 90-2560).",
  },
  "LVE-KMS-002": {
    severity: "error",
    title: "Key policy gives kms:* only to the account root",
    fix: "Give other principals only the actions they need (administrators: management actions; users: data actions via services), never kms:* or *.",
  },
  "LVE-KMS-003": {
    severity: "error",
    title: "kms:CreateGrant requires kms:GrantIsForAWSResource",
    fix: "Add Condition Bool kms:GrantIsForAWSResource = \"true\" (and StringEquals kms:ViaService) to every statement that allows kms:CreateGrant.",
  },
  "LVE-KMS-004": {
    severity: "warning",
    title: "Key deletion window is 30 days",
    fix: "Set deletion_window_in_days = 30: the longest window leaves the most time to cancel a mistaken deletion.",
  },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES).sort() as RuleId[];

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, value);
}
