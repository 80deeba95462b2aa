import { Construct } from "constructs";
import { EncryptedBucket, EncryptedBucketProps } from "./encrypted-bucket";
import { DEFAULTS } from "./private/defaults";
import { LOOKOUT_FOR_VISION, ServiceProfile } from "./service-profile";
import { checkS3Prefix } from "./validation";

const NAME = "OutputBucket";

/** The output bucket's own setting: what each of LookoutVisionEncryption's `outputBuckets` takes too. */
export interface OutputBucketOptions {
  /**
   * Key prefix training results are written under.
   * @default "training-output/"
   */
  readonly prefix?: string;
}

export interface OutputBucketProps extends EncryptedBucketProps, OutputBucketOptions {
  /**
   * The service whose training API writes here.
   * @default LOOKOUT_FOR_VISION (CreateModel)
   */
  readonly profile?: ServiceProfile;
}

/**
 * Where in S3 training results go.
 * @jsii ignore AWS's spelling; other languages read `bucketName` and `prefix`.
 */
export interface OutputS3Location {
  readonly Bucket: string;
  readonly Prefix: string;
}

/**
 * The `OutputConfig` of CreateModel / CreateProjectVersion.
 * @jsii ignore AWS's spelling; other languages read `bucketName` and `prefix`.
 */
export interface OutputConfig {
  readonly S3Location: OutputS3Location;
}

/**
 * A bucket for training results (`OutputConfig.S3Location` of CreateModel). The service
 * encrypts results with the bucket's default encryption, so this bucket is SSE-KMS with the
 * key from the start.
 */
export class OutputBucket extends EncryptedBucket {
  readonly prefix: string;
  readonly profile: ServiceProfile;

  constructor(scope: Construct, id: string, props: OutputBucketProps) {
    if (props.prefix !== undefined) checkS3Prefix(NAME, "prefix", props.prefix);
    super(scope, id, props);
    this.prefix = props.prefix ?? DEFAULTS.outputPrefix;
    this.profile = props.profile ?? LOOKOUT_FOR_VISION;
  }

  /** @internal */
  protected get _constructName(): string {
    return NAME;
  }

  /**
   * What to pass as `OutputConfig` to the training API.
   * @jsii ignore AWS's spelling; other languages read `bucketName` and `prefix`.
   */
  get outputConfig(): OutputConfig {
    return { S3Location: { Bucket: this.bucketName, Prefix: this.prefix } };
  }
}
