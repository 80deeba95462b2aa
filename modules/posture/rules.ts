/**
 * The encryption posture rules: stable ids (users suppress and search by them), severity, the
 * fix, and what checks the same thing elsewhere, so security teams can map our findings to theirs.
 */

export type Severity = "error" | "warning";

export interface Rule {
  readonly severity: Severity;
  /** What the rule wants, as a heading for docs and reports. */
  readonly title: string;
  readonly fix: string;
  /** AWS Security Hub CSPM controls that check the same thing, or part of it (S3.x, KMS.x). */
  readonly securityHub: readonly string[];
  /** checkov checks that do the same, on Terraform (`npm run scan` runs them). */
  readonly checkov: readonly string[];
}

export const RULES = {
  "LVE-S3-001": {
    severity: "error",
    title: "Bucket has default encryption",
    fix: 'Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms" and your key (EncryptedBucket does this).',
    securityHub: [],
    checkov: ["CKV_AWS_19"],
  },
  "LVE-S3-002": {
    severity: "warning",
    title: "Data bucket encrypts with SSE-KMS, not SSE-S3 only",
    fix: 'Set sse_algorithm = "aws:kms" and kms_master_key_id = a customer managed key, so the key policy governs who reads the data.',
    securityHub: ["S3.17"],
    checkov: ["CKV_AWS_145"],
  },
  "LVE-S3-003": {
    severity: "warning",
    title: "SSE-KMS bucket uses an S3 Bucket Key",
    fix: "Set bucket_key_enabled = true in the encryption rule: S3 then calls KMS per bucket, not per object (cost, throttling).",
    securityHub: [],
    checkov: [],
  },
  "LVE-S3-004": {
    severity: "error",
    title: "Bucket blocks all public access",
    fix: "Add an aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.",
    securityHub: ["S3.8"],
    checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6"],
  },
  "LVE-S3-005": {
    severity: "error",
    title: "Bucket policy denies requests without TLS",
    fix: 'Add a bucket policy statement: Deny, Principal "*", Action "s3:*", Resource the bucket ARN and "<bucket ARN>/*", Condition Bool aws:SecureTransport = "false".',
    securityHub: ["S3.5"],
    checkov: [],
  },
  "LVE-S3-006": {
    severity: "warning",
    title: "Data bucket is not force_destroy",
    fix: "Set force_destroy = false: with true, `terraform destroy` deletes the bucket with every object in it.",
    securityHub: [],
    checkov: [],
  },
  "LVE-S3-007": {
    severity: "warning",
    title: "Data bucket has server access logging",
    fix: "Add an aws_s3_bucket_logging that delivers the bucket's access logs to a separate SSE-S3 log bucket (accessLogs: true does this), so every request on the data is on record.",
    securityHub: ["S3.9"],
    checkov: ["CKV_AWS_18"],
  },
  "LVE-S3-008": {
    severity: "warning",
    title: "Data bucket is versioned",
    fix: 'Add an aws_s3_bucket_versioning with status "Enabled" (EncryptedBucket\'s default): an overwritten or deleted image, manifest or model stays recoverable.',
    securityHub: ["S3.14"],
    checkov: ["CKV_AWS_21"],
  },
  "LVE-KMS-001": {
    severity: "error",
    title: "Key rotates automatically",
    fix: "Set enable_key_rotation = true (and rotation_period_in_days, 90-2560).",
    securityHub: ["KMS.4"],
    checkov: ["CKV_AWS_7"],
  },
  "LVE-KMS-002": {
    severity: "error",
    title: "Key policy gives kms:* only to the account root",
    fix: "Give other principals only the actions they need (administrators: management actions; users: data actions via services), never kms:* or *.",
    securityHub: ["KMS.5"],
    checkov: ["CKV_AWS_33"],
  },
  "LVE-KMS-003": {
    severity: "error",
    title: "kms:CreateGrant requires kms:GrantIsForAWSResource",
    fix: 'Add Condition Bool kms:GrantIsForAWSResource = "true" (and StringEquals kms:ViaService) to every statement that allows kms:CreateGrant.',
    securityHub: [],
    checkov: [],
  },
  "LVE-KMS-004": {
    severity: "warning",
    title: "Key deletion window is 30 days",
    fix: "Set deletion_window_in_days = 30: the longest window leaves the most time to cancel a mistaken deletion.",
    securityHub: ["KMS.3"],
    checkov: [],
  },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES).sort() as RuleId[];

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, value);
}
