/**
 * The module's outputs: LookoutVisionEncryption's (key_arn, key_alias,
 * key_policy_statements_for_key_owner, console_bucket_*, output_bucket_*, output_configs,
 * user_policy_arn) plus key_id and access_log_bucket_name. What a switch turns off is null
 * (or an empty map), never an error.
 */
export interface OutputSpec {
  readonly name: string;
  readonly description: string;
  /** Terraform expression. */
  readonly value: string;
}

export const MODULE_OUTPUTS: readonly OutputSpec[] = [
  { name: "key_arn", description: "ARN of the KMS key: new, replica or existing.", value: "local.key_arn" },
  { name: "key_id", description: "ID of the KMS key.", value: "local.key_id" },
  { name: "key_alias", description: "Alias of the key the module made; null with key.existing_key.", value: "one(aws_kms_alias.this[*].name)" },
  {
    name: "key_policy_statements_for_key_owner",
    description:
      "With key.existing_key: the key policy (JSON) whose statements the key's owner adds so that key_user_arns can use the key; null otherwise.",
    value: "local.bring_your_own_key ? local.key_owner_policy : null",
  },
  {
    name: "console_bucket_name",
    description: "Name of the console bucket; null when console_bucket.create is false.",
    value: "one(aws_s3_bucket.console[*].bucket)",
  },
  {
    name: "console_bucket_arn",
    description: "ARN of the console bucket; null when console_bucket.create is false.",
    value: "one(aws_s3_bucket.console[*].arn)",
  },
  {
    name: "output_bucket_names",
    description: "Output bucket names by ID.",
    value: "{ for id, bucket in aws_s3_bucket.output : id => bucket.bucket }",
  },
  { name: "output_bucket_arns", description: "Output bucket ARNs by ID.", value: "{ for id, bucket in aws_s3_bucket.output : id => bucket.arn }" },
  {
    name: "output_configs",
    description: "OutputConfig JSON to pass to CreateModel (or CreateProjectVersion), by output bucket ID.",
    value:
      "{ for id, bucket in aws_s3_bucket.output : id => jsonencode({ S3Location = { Bucket = bucket.bucket, Prefix = var.output_buckets[id].prefix } }) }",
  },
  {
    name: "access_log_bucket_name",
    description: "Name of the shared server access log bucket; null when access_logs.enabled is false.",
    value: "one(aws_s3_bucket.access_logs[*].bucket)",
  },
  {
    name: "user_policy_arn",
    description: "ARN of the IAM policy for the key users; null when user_policy.create is false.",
    value: "one(aws_iam_policy.users[*].arn)",
  },
];
