import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { AwsEnvironmentProps } from "./aws-environment";
import { BucketOptions } from "./bucket-options";
import { accessLogBucketPolicy } from "./policies/bucket-policy";
import { unique } from "./policies/policy-document";
import { addBucketBaseline, lifecycleRules } from "./private/bucket-baseline";
import { DEFAULTS } from "./private/defaults";
import { resolveAwsEnvironment } from "./private/environment";
import { LOG_EXPIRATION_DAYS, MINIMUM_TLS_VERSIONS, checkBucketNaming, checkIntegerInRange, checkOneOf } from "./validation";

const NAME = "AccessLogBucket";

export interface AccessLogBucketProps extends AwsEnvironmentProps, BucketOptions {
  /**
   * Bucket name. IMPORTANT: changing it replaces the bucket.
   * @default a Terraform-generated name (`bucket_prefix` when given)
   */
  readonly bucketName?: string;
  /**
   * Prefix of a Terraform-generated name; conflicts with bucketName.
   * @default "access-logs-" when bucketName is not given
   */
  readonly bucketPrefix?: string;
  /**
   * Days after which log objects expire. 1-3650.
   * @default 365
   */
  readonly expireAfterDays?: number;
  /**
   * Tags on the bucket.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

function validate(props: AccessLogBucketProps): void {
  checkBucketNaming(NAME, props);
  if (props.expireAfterDays !== undefined) checkIntegerInRange(NAME, "expireAfterDays", props.expireAfterDays, LOG_EXPIRATION_DAYS);
  if (props.minimumTlsVersion !== undefined) checkOneOf(NAME, "minimumTlsVersion", props.minimumTlsVersion, MINIMUM_TLS_VERSIONS);
}

/**
 * A bucket for S3 server access logs: SSE-S3 (S3 cannot deliver access logs to an SSE-KMS
 * bucket), public access blocked, ACLs off, TLS only, writable only by S3 log delivery for the
 * source buckets added with `addSource`. One can serve many buckets, each under its own prefix.
 * It is kept from destruction by default: logs are audit evidence.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The bucket policy that lets S3 log delivery write: logging configurations must come after it. */
  readonly policy: S3BucketPolicy;
  private readonly sourceBucketArns: string[] = [];

  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id);
    validate(props);
    const env = resolveAwsEnvironment(this, NAME, props);
    this.bucket = new S3Bucket(this, "Bucket", {
      provider: env.provider,
      region: env.resourceRegion,
      bucket: props.bucketName,
      bucketPrefix: props.bucketName === undefined ? (props.bucketPrefix ?? DEFAULTS.logBucketPrefix) : undefined,
      forceDestroy: props.forceDestroy ?? DEFAULTS.forceDestroy,
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy ?? DEFAULTS.preventDestroy },
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const common = { provider: env.provider, region: env.resourceRegion, bucket: this.bucket.id };
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      ...common,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }],
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      ...common,
      // Log delivery never uploads in parts: one day is plenty for anything else.
      rule: lifecycleRules(1, props.expireAfterDays ?? DEFAULTS.expireAfterDays),
    });
    const minimumTlsVersion = props.minimumTlsVersion ?? DEFAULTS.minimumTlsVersion;
    this.policy = addBucketBaseline(this, this.bucket, {
      env,
      blockPublicAccess: true,
      policy: Lazy.stringValue({
        produce: () =>
          JSON.stringify(
            accessLogBucketPolicy({
              bucketArn: this.bucketArn,
              enforceTls: true,
              minimumTlsVersion,
              sourceBucketArns: unique(this.sourceBucketArns),
              accountId: env.accountId,
            }),
          ),
      }),
    });
  }

  /** Lets S3 log delivery write the access logs of this bucket here. */
  addSource(sourceBucketArn: string): void {
    this.sourceBucketArns.push(sourceBucketArn);
  }
}
