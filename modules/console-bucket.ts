import { Construct } from "constructs";
import { resolveAwsEnvironment } from "./aws-environment";
import { EncryptedBucket, EncryptedBucketOptions } from "./encrypted-bucket";
import { LOOKOUT_FOR_VISION, ServiceProfile } from "./service-profile";
import { checkBucketName, checkBucketNamePart, isToken } from "./validation";

const NAME = "ConsoleBucket";

/** What a console bucket adds to an EncryptedBucket's props. */
export interface ConsoleBucketOwnProps {
  /**
   * The service whose console uses the bucket; gives the name prefix.
   * @default LOOKOUT_FOR_VISION ("lookoutvision-<region>-<suffix>")
   */
  readonly profile?: ServiceProfile;
  /**
   * Last part of the name: lowercase letters, digits, hyphens. IMPORTANT: changing it replaces the bucket.
   * @default the account ID
   */
  readonly suffix?: string;
}

export interface ConsoleBucketProps extends EncryptedBucketOptions, ConsoleBucketOwnProps {}

/**
 * The bucket the service console keeps projects in, `<prefix><region>-<suffix>`, created (or,
 * with `importExisting`, adopted) as an EncryptedBucket: the console creates it with SSE-S3;
 * a customer managed key needs the bucket reconfigured, which this does from the start.
 */
export class ConsoleBucket extends EncryptedBucket {
  readonly profile: ServiceProfile;

  constructor(scope: Construct, id: string, props: ConsoleBucketProps) {
    super(scope, id, { ...props, bucketName: consoleBucketName(scope, props) }, NAME);
    this.profile = props.profile ?? LOOKOUT_FOR_VISION;
  }
}

/** `<prefix><region>-<suffix>`, checked against S3 naming rules where it is literal. */
function consoleBucketName(scope: Construct, props: ConsoleBucketProps): string {
  const prefix = (props.profile ?? LOOKOUT_FOR_VISION).consoleBucketPrefix;
  // Region and account come from the props or the stack's shared data sources.
  const env = resolveAwsEnvironment(scope, NAME, props);
  const suffix = props.suffix ?? env.accountId;
  if (props.suffix !== undefined) checkBucketNamePart(NAME, "suffix", props.suffix, maxSuffixLength(prefix, env.region));
  const name = `${prefix}${env.region}-${suffix}`;
  checkBucketName(NAME, "bucket name (<prefix><region>-<suffix>)", name);
  return name;
}

/**
 * Room left for the suffix in a 63-character name `<prefix><region>-<suffix>`. An unresolved
 * region (read at apply time) is taken as "us-east-1", the region consoles default to.
 */
export function maxSuffixLength(prefix: string, region: string): number {
  return 63 - prefix.length - (isToken(region) ? "us-east-1".length : region.length) - 1;
}
