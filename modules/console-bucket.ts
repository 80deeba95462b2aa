import { Construct } from "constructs";
import { EncryptedBucket, EncryptedBucketOptions } from "./encrypted-bucket";
import { NAMES } from "./private/defaults";
import { resolveAwsEnvironment } from "./private/environment";
import { LOOKOUT_FOR_VISION, ServiceProfile } from "./service-profile";
import { checkBucketName, checkBucketNamePart, isToken } from "./validation";

const NAME = "ConsoleBucket";

/** The console bucket's own settings: what LookoutVisionEncryption's `consoleBucket` takes. */
export interface ConsoleBucketOptions {
  /**
   * Last part of the name: lowercase letters, digits, hyphens. IMPORTANT: changing it replaces the bucket.
   * @default the account ID
   */
  readonly suffix?: string;
  /**
   * Adopt the bucket the console already created (Terraform `import` block; root modules only).
   * @default false
   */
  readonly importExisting?: boolean;
}

export interface ConsoleBucketProps extends EncryptedBucketOptions, ConsoleBucketOptions {
  /**
   * The service whose console uses the bucket; gives the name prefix.
   * @default LOOKOUT_FOR_VISION ("lookoutvision-<region>-<suffix>")
   */
  readonly profile?: ServiceProfile;
}

/**
 * The bucket the service console keeps projects in, `<prefix><region>-<suffix>`, created (or,
 * with `importExisting`, adopted) as an EncryptedBucket: the console creates it with SSE-S3;
 * a customer managed key needs the bucket reconfigured, which this does from the start.
 */
export class ConsoleBucket extends EncryptedBucket {
  readonly profile: ServiceProfile;

  constructor(scope: Construct, id: string, props: ConsoleBucketProps) {
    super(scope, id, { ...props, bucketName: consoleBucketName(scope, props) });
    this.profile = props.profile ?? LOOKOUT_FOR_VISION;
  }

  /** @internal */
  protected get _constructName(): string {
    return NAME;
  }
}

/**
 * `<prefix><region>-<suffix>`, checked against S3 naming rules where it is literal. The region
 * and account are needed before the bucket exists: the stack's shared data sources give them
 * where they are not given (and so come first in the synthesized stack, as they always have).
 */
function consoleBucketName(scope: Construct, props: ConsoleBucketProps): string {
  const environment = resolveAwsEnvironment(scope, NAME, props);
  const profile = props.profile ?? LOOKOUT_FOR_VISION;
  if (props.suffix !== undefined) checkBucketNamePart(NAME, "suffix", props.suffix, maxSuffixLength(profile.consoleBucketPrefix, environment.region));
  const name = NAMES.consoleBucketName(profile, environment.region, props.suffix ?? environment.accountId);
  checkBucketName(NAME, "bucket name (<prefix><region>-<suffix>)", name);
  return name;
}

/**
 * Room left for the suffix in a 63-character name `<prefix><region>-<suffix>`. An unresolved
 * region (read at apply time) is taken as "us-east-1", the region consoles default to.
 */
function maxSuffixLength(prefix: string, region: string): number {
  return 63 - prefix.length - (isToken(region) ? "us-east-1".length : region.length) - 1;
}
