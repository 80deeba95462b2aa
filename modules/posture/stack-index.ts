import { ResourceRef, TerraformJson, findReferenced, resourcesOf } from "../private/terraform-json";

/** The resource types the posture check reads, collected once per stack. */
export interface StackIndex {
  readonly buckets: ResourceRef[];
  readonly encryptionConfigs: ResourceRef[];
  readonly publicAccessBlocks: ResourceRef[];
  readonly bucketPolicies: ResourceRef[];
  readonly versionings: ResourceRef[];
  readonly loggings: ResourceRef[];
  /** `aws_kms_key` and `aws_kms_replica_key`. */
  readonly keys: ResourceRef[];
  readonly keyPolicies: ResourceRef[];
  readonly aliases: ResourceRef[];
}

/** Every resource type the posture check reads; the rest of a stack never affects a finding. */
export const POSTURE_RESOURCE_TYPES = [
  "aws_s3_bucket",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_logging",
  "aws_kms_key",
  "aws_kms_replica_key",
  "aws_kms_key_policy",
  "aws_kms_alias",
] as const;

export function indexStack(json: TerraformJson): StackIndex {
  return {
    buckets: resourcesOf(json, "aws_s3_bucket"),
    encryptionConfigs: resourcesOf(json, "aws_s3_bucket_server_side_encryption_configuration"),
    publicAccessBlocks: resourcesOf(json, "aws_s3_bucket_public_access_block"),
    bucketPolicies: resourcesOf(json, "aws_s3_bucket_policy"),
    versionings: resourcesOf(json, "aws_s3_bucket_versioning"),
    loggings: resourcesOf(json, "aws_s3_bucket_logging"),
    keys: [...resourcesOf(json, "aws_kms_key"), ...resourcesOf(json, "aws_kms_replica_key")],
    keyPolicies: resourcesOf(json, "aws_kms_key_policy"),
    aliases: resourcesOf(json, "aws_kms_alias"),
  };
}

/** Arguments such as `bucket` name a bucket by `${aws_s3_bucket.x.id}`, `.bucket`, or its literal name. */
export function referencedBucket(index: StackIndex, value: unknown): ResourceRef | undefined {
  return findReferenced(value, index.buckets, ["id", "bucket"], (bucket) => [bucket.config.bucket]);
}

/** Resources of `candidates` whose `bucket` argument names this bucket. */
export function attachedToBucket(index: StackIndex, candidates: readonly ResourceRef[], bucket: ResourceRef): ResourceRef[] {
  return candidates.filter((candidate) => referencedBucket(index, candidate.config.bucket) === bucket);
}

/** The key in this stack that a key id, key ARN or alias reference points at. */
export function referencedKey(index: StackIndex, value: unknown): ResourceRef | undefined {
  const key = findReferenced(value, index.keys, ["arn", "key_id", "id"], () => []);
  if (key) return key;
  const alias = findReferenced(value, index.aliases, ["arn", "name", "id"], (a) => [a.config.name]);
  return alias ? findReferenced(alias.config.target_key_id, index.keys, ["arn", "key_id", "id"], () => []) : undefined;
}
