import { Fn, IResolvable, Token } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { AwsEnvironment } from "../aws-environment";
import { isToken } from "../validation";

/** What every bucket of the package has, whatever its encryption: shared by data and log buckets. */

export interface BaselineProps {
  readonly env: AwsEnvironment;
  readonly blockPublicAccess: boolean;
  readonly policy: string;
}

/** Public access block, ACLs off, and the bucket policy (after the public access block, so a public policy cannot slip in first). */
export function addBucketBaseline(scope: Construct, bucket: S3Bucket, props: BaselineProps): S3BucketPolicy {
  const common = { provider: props.env.provider, region: props.env.resourceRegion, bucket: bucket.id };
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, "PublicAccessBlock", {
    ...common,
    blockPublicAcls: props.blockPublicAccess,
    blockPublicPolicy: props.blockPublicAccess,
    ignorePublicAcls: props.blockPublicAccess,
    restrictPublicBuckets: props.blockPublicAccess,
  });
  new S3BucketOwnershipControls(scope, "OwnershipControls", { ...common, rule: { objectOwnership: "BucketOwnerEnforced" } });
  return new S3BucketPolicy(scope, "Policy", { ...common, policy: props.policy, dependsOn: [publicAccessBlock] });
}

/** "Enabled" or "Suspended"; a Terraform conditional when `versioned` is a token (a variable). */
export function versioningStatus(versioned: boolean | IResolvable): string {
  if (isToken(versioned)) return Token.asString(Fn.conditional(versioned, "Enabled", "Suspended"));
  return versioned ? "Enabled" : "Suspended";
}

export function lifecycleRules(abortDays: number, expireDays?: number) {
  return [
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: [{ prefix: "" }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }],
      ...(expireDays !== undefined ? { expiration: [{ days: expireDays }] } : {}),
    },
  ];
}
