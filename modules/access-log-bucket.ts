import { IResolvable, Lazy } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { AwsEnvironmentProps, resolveAwsEnvironment } from "./aws-environment";
import { MINIMUM_TLS_VERSIONS, type MinimumTlsVersion, addBucketBaseline, lifecycleRules } from "./private/bucket-baseline";
import { accessLogBucketPolicy } from "./policies/bucket-policy";
import { unique } from "./policies/policy-document";
import { checkBucketNaming, checkIntegerInRange, checkOneOf } from "./validation";

const NAME = "AccessLogBucket";
/** Allowed `expireAfterDays` of log objects. */
export const LOG_EXPIRATION_DAYS = { min: 1, max: 3650 } as const;

export interface AccessLogBucketProps extends AwsEnvironmentProps {
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
   * Minimum TLS version of requests: "1.2" or "1.3".
   * @default "1.2"
   */
  readonly minimumTlsVersion?: MinimumTlsVersion;
  /**
   * Let `terraform destroy` delete the bucket while it still holds logs.
   * @default false
   */
  readonly forceDestroy?: boolean | IResolvable;
  /**
   * `lifecycle { prevent_destroy = true }`: logs are audit evidence.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Tags on the bucket.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

function validate(props: AccessLogBucketProps): void {
  checkBucketNaming(NAME, props);
  if (props.expireAfterDays !== undefined) checkIntegerInRange(NAME, "expireAfterDays", props.expireAfterDays, LOG_EXPIRATION_DAYS.min, LOG_EXPIRATION_DAYS.max);
  if (props.minimumTlsVersion !== undefined) checkOneOf(NAME, "minimumTlsVersion", props.minimumTlsVersion, MINIMUM_TLS_VERSIONS);
}

/**
 * A bucket for S3 server access logs: SSE-S3 (S3 cannot deliver access logs to an SSE-KMS
 * bucket), public access blocked, ACLs off, TLS only, writable only by S3 log delivery for the
 * source buckets added with `addSource`. One can serve many buckets, each under its own prefix.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  private readonly sourceBucketArns: string[] = [];

  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id);
    validate(props);
    const env = resolveAwsEnvironment(this, NAME, props);
    this.bucket = new S3Bucket(this, "Bucket", {
      provider: env.provider,
      region: env.resourceRegion,
      bucket: props.bucketName,
      bucketPrefix: props.bucketName === undefined ? (props.bucketPrefix ?? "access-logs-") : undefined,
      forceDestroy: props.forceDestroy ?? false,
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
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
      rule: lifecycleRules(1, props.expireAfterDays ?? 365),
    });
    const minimumTlsVersion = props.minimumTlsVersion ?? "1.2";
    addBucketBaseline(this, this.bucket, {
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
