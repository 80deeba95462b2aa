import { GetPolicyCommand, GetPolicyVersionCommand, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, ListAliasesCommand } from "@aws-sdk/client-kms";
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
} from "@aws-sdk/client-s3";
import { DeployedState } from "./deployed-state";
import { Clients } from "./emulator";
import { SynthJson } from "./helpers";

/**
 * For each synthesized resource of a kind, what the emulator holds (read through the AWS SDK)
 * beside what our configuration says it should hold, in the API's shape. The deploy checks assert
 * each pair equal, so a setting the apply lost or the API changed shows by resource and field.
 */

export interface ReadBack {
  readonly address: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

type Config = Record<string, unknown>;
type Block = Record<string, unknown>;

/** A nested block as cdktf writes it: an object, or a one-element list. */
function block(value: unknown): Block {
  return (Array.isArray(value) ? value[0] : value) as Block;
}

function regionOf(config: Config, stackRegion: string): string {
  return typeof config.region === "string" ? config.region : stackRegion;
}

function parsed(policy: string | undefined): unknown {
  return policy === undefined ? undefined : JSON.parse(policy);
}

async function each(
  json: SynthJson,
  state: DeployedState,
  type: string,
  read: (config: Config, address: string) => Promise<Omit<ReadBack, "address">>,
): Promise<ReadBack[]> {
  return Promise.all(state.configured(json, type).map(async ([address, config]) => ({ address, ...(await read(config, address)) })));
}

export async function bucketEncryption(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_s3_bucket_server_side_encryption_configuration", async (config) => {
    const rule = block(config.rule);
    const byDefault = block(rule.apply_server_side_encryption_by_default);
    const read = await aws.s3(regionOf(config, region)).send(new GetBucketEncryptionCommand({ Bucket: config.bucket as string }));
    return {
      expected: {
        ApplyServerSideEncryptionByDefault: {
          SSEAlgorithm: byDefault.sse_algorithm,
          ...(byDefault.kms_master_key_id ? { KMSMasterKeyID: byDefault.kms_master_key_id } : {}),
        },
        BucketKeyEnabled: rule.bucket_key_enabled ?? false,
        BlockedEncryptionTypes: { EncryptionType: rule.blocked_encryption_types },
      },
      actual: read.ServerSideEncryptionConfiguration?.Rules?.[0],
    };
  });
}

export async function publicAccessBlocks(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_s3_bucket_public_access_block", async (config) => ({
    expected: {
      BlockPublicAcls: config.block_public_acls,
      IgnorePublicAcls: config.ignore_public_acls,
      BlockPublicPolicy: config.block_public_policy,
      RestrictPublicBuckets: config.restrict_public_buckets,
    },
    actual: (await aws.s3(regionOf(config, region)).send(new GetPublicAccessBlockCommand({ Bucket: config.bucket as string })))
      .PublicAccessBlockConfiguration,
  }));
}

export async function ownershipControls(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_s3_bucket_ownership_controls", async (config) => ({
    expected: [{ ObjectOwnership: block(config.rule).object_ownership }],
    actual: (await aws.s3(regionOf(config, region)).send(new GetBucketOwnershipControlsCommand({ Bucket: config.bucket as string })))
      .OwnershipControls?.Rules,
  }));
}

export async function versioning(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_s3_bucket_versioning", async (config) => ({
    expected: block(config.versioning_configuration).status,
    actual: (await aws.s3(regionOf(config, region)).send(new GetBucketVersioningCommand({ Bucket: config.bucket as string }))).Status,
  }));
}

export async function lifecycleRules(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_s3_bucket_lifecycle_configuration", async (config) => {
    const read = await aws.s3(regionOf(config, region)).send(new GetBucketLifecycleConfigurationCommand({ Bucket: config.bucket as string }));
    return {
      expected: (config.rule as Block[]).map((rule) => ({
        ID: rule.id,
        Status: rule.status,
        Filter: { Prefix: block(rule.filter).prefix },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: block(rule.abort_incomplete_multipart_upload).days_after_initiation },
        ...(rule.expiration ? { Expiration: { Days: block(rule.expiration).days } } : {}),
      })),
      actual: read.Rules,
    };
  });
}

export async function logging(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_s3_bucket_logging", async (config) => ({
    expected: { TargetBucket: config.target_bucket, TargetPrefix: config.target_prefix },
    actual: (await aws.s3(regionOf(config, region)).send(new GetBucketLoggingCommand({ Bucket: config.bucket as string }))).LoggingEnabled,
  }));
}

/** Each bucket policy as the emulator holds it, beside the synthesized one: statement by statement. */
export async function bucketPolicies(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_s3_bucket_policy", async (config) => ({
    expected: parsed(config.policy as string),
    actual: parsed((await aws.s3(regionOf(config, region)).send(new GetBucketPolicyCommand({ Bucket: config.bucket as string }))).Policy),
  }));
}

export async function bucketTags(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_s3_bucket", async (config, address) => {
    const expected = Object.entries((config.tags as Record<string, string> | undefined) ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const bucket = state.attribute(`${address}.bucket`) as string;
    const byKey = (tags: { Key?: string }[]) => [...tags].sort((a, b) => String(a.Key).localeCompare(String(b.Key)));
    if (expected.length === 0) return { expected: [], actual: [] };
    const read = await aws.s3(regionOf(config, region)).send(new GetBucketTaggingCommand({ Bucket: bucket }));
    return { expected: byKey(expected), actual: byKey(read.TagSet ?? []) };
  });
}

export async function keys(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_kms_key", async (config, address) => {
    const kms = aws.kms(regionOf(config, region));
    const keyId = state.attribute(`${address}.key_id`) as string;
    const [described, rotation, policy] = await Promise.all([
      kms.send(new DescribeKeyCommand({ KeyId: keyId })),
      kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId })),
      kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: "default" })),
    ]);
    return {
      expected: {
        enabled: true,
        description: config.description,
        multiRegion: config.multi_region,
        rotation: config.enable_key_rotation,
        rotationPeriodInDays: config.rotation_period_in_days,
        policy: parsed(config.policy as string),
      },
      actual: {
        enabled: described.KeyMetadata?.Enabled,
        description: described.KeyMetadata?.Description,
        multiRegion: described.KeyMetadata?.MultiRegion,
        rotation: rotation.KeyRotationEnabled,
        rotationPeriodInDays: rotation.RotationPeriodInDays,
        policy: parsed(policy.Policy),
      },
    };
  });
}

export async function replicaKeys(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_kms_replica_key", async (config, address) => {
    const kms = aws.kms(regionOf(config, region));
    const arn = state.attribute(`${address}.arn`) as string;
    const [described, policy] = await Promise.all([
      kms.send(new DescribeKeyCommand({ KeyId: arn })),
      kms.send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: "default" })),
    ]);
    const primaryArn = config.primary_key_arn as string;
    return {
      expected: {
        type: "REPLICA",
        primary: { Arn: primaryArn, Region: primaryArn.split(":")[3] },
        description: config.description,
        policy: parsed(config.policy as string),
      },
      actual: {
        type: described.KeyMetadata?.MultiRegionConfiguration?.MultiRegionKeyType,
        primary: described.KeyMetadata?.MultiRegionConfiguration?.PrimaryKey,
        description: described.KeyMetadata?.Description,
        policy: parsed(policy.Policy),
      },
    };
  });
}

export async function aliases(json: SynthJson, state: DeployedState, aws: Clients, region: string): Promise<ReadBack[]> {
  return each(json, state, "aws_kms_alias", async (config) => {
    const listed = await aws.kms(regionOf(config, region)).send(new ListAliasesCommand({}));
    const alias = listed.Aliases?.find((a) => a.AliasName === config.name);
    // target_key_id is a key ID or, for a replica, its ARN; the API answers the ID.
    const target = String(config.target_key_id).split("/").pop();
    return {
      expected: { AliasName: config.name, TargetKeyId: target },
      actual: alias && { AliasName: alias.AliasName, TargetKeyId: alias.TargetKeyId },
    };
  });
}

export async function iamPolicies(json: SynthJson, state: DeployedState, aws: Clients): Promise<ReadBack[]> {
  return each(json, state, "aws_iam_policy", async (config, address) => {
    const iam = aws.iam();
    const arn = state.attribute(`${address}.arn`) as string;
    const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy?.DefaultVersionId }));
    return { expected: parsed(config.policy as string), actual: parsed(decodeURIComponent(version.PolicyVersion?.Document ?? "")) };
  });
}

export async function roleAttachments(json: SynthJson, state: DeployedState, aws: Clients): Promise<ReadBack[]> {
  return each(json, state, "aws_iam_role_policy_attachment", async (config) => {
    const attached = await aws.iam().send(new ListAttachedRolePoliciesCommand({ RoleName: config.role as string }));
    return { expected: [config.policy_arn], actual: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn) };
  });
}

async function bucketExists(aws: Clients, bucket: string): Promise<void> {
  await aws.s3().send(new HeadBucketCommand({ Bucket: bucket }));
}

function valuesOf(value: unknown): string[] {
  return typeof value === "string" ? [value] : Object.values(value as Record<string, string>);
}

/**
 * Checks one output against the emulator by what its name says it holds; resolves with the
 * output's name, rejects when the emulator has no such thing or no check knows the output.
 */
export async function namesWhatTheEmulatorHolds(output: string, value: unknown, aws: Clients, account: string): Promise<string> {
  const kind = /(key_arn|key_alias|bucket_names?|bucket_arns?|output_configs|user_policy_arn|key_policy_statements_for_key_owner)$/.exec(output)?.[1];
  switch (kind) {
    case "key_arn": {
      const arn = value as string;
      // A bring-your-own key lives in another account: the emulator holds only this account's.
      if (arn.split(":")[4] !== account) break;
      const described = await aws.kms(arn.split(":")[3]).send(new DescribeKeyCommand({ KeyId: arn }));
      expect(described.KeyMetadata?.Arn).toBe(arn);
      break;
    }
    case "key_alias":
      expect(((await aws.kms().send(new ListAliasesCommand({}))).Aliases ?? []).map((a) => a.AliasName)).toContain(value);
      break;
    case "bucket_name":
    case "bucket_names":
      expect(valuesOf(value).length).toBeGreaterThan(0);
      for (const bucket of valuesOf(value)) await bucketExists(aws, bucket);
      break;
    case "bucket_arn":
    case "bucket_arns":
      for (const arn of valuesOf(value)) await bucketExists(aws, arn.replace(/^arn:aws:s3:::/, ""));
      break;
    case "output_configs":
      for (const config of valuesOf(value)) {
        const parsed = JSON.parse(config) as { S3Location: { Bucket: string; Prefix?: string } };
        await bucketExists(aws, parsed.S3Location.Bucket);
      }
      break;
    case "user_policy_arn":
      expect((await aws.iam().send(new GetPolicyCommand({ PolicyArn: value as string }))).Policy?.Arn).toBe(value);
      break;
    case "key_policy_statements_for_key_owner":
      expect(JSON.parse(value as string)).toMatchObject({ Version: "2012-10-17", Statement: expect.any(Array) });
      break;
    default:
      throw new Error(`no check knows the output ${output}`);
  }
  return output;
}

/** Every read-back, by what it reads. */
export const READ_BACKS = {
  "bucket default encryption": bucketEncryption,
  "public access block": publicAccessBlocks,
  "object ownership": ownershipControls,
  versioning,
  "lifecycle rules": lifecycleRules,
  "server access logging": logging,
  "bucket policy": bucketPolicies,
  "bucket tags": bucketTags,
  "KMS key": keys,
  "KMS replica key": replicaKeys,
  "KMS alias": aliases,
  "IAM policy": (json: SynthJson, state: DeployedState, aws: Clients) => iamPolicies(json, state, aws),
  "IAM role attachments": (json: SynthJson, state: DeployedState, aws: Clients) => roleAttachments(json, state, aws),
} as const;
