/**
 * What differs between the AWS services that read and write customer data in S3 with a
 * customer managed key. The key and bucket constructs take a profile and hard-code none
 * of these values, so the same constructs serve Lookout for Vision and its successor path,
 * Rekognition Custom Labels.
 */
export interface ServiceProfile {
  /** Human-readable service name, used in descriptions and documentation. */
  readonly displayName: string;
  /** Short identifier used in default names (alias, policy name, tags). Lowercase, digits, hyphens. */
  readonly slug: string;
  /**
   * Host prefix of the service endpoint; `kms:ViaService` is `<serviceHost>.<region>.amazonaws.com`.
   */
  readonly serviceHost: string;
  /** Prefix of the bucket the service console creates: `<consoleBucketPrefix><region>-<suffix>`. */
  readonly consoleBucketPrefix: string;
  /** The API call whose OutputConfig names the output bucket. */
  readonly trainingApi: string;
  /** IAM actions a user of the service needs (granted on `*` by the user policy). */
  readonly userActions: string[];
}

/** Amazon Lookout for Vision (end of support announced for 2025-10-31). */
export const LOOKOUT_FOR_VISION: ServiceProfile = {
  displayName: "Amazon Lookout for Vision",
  slug: "lookout-vision",
  serviceHost: "lookoutvision",
  consoleBucketPrefix: "lookoutvision-",
  trainingApi: "CreateModel",
  userActions: ["lookoutvision:*"],
};

/** Amazon Rekognition Custom Labels: same key needs, the migration path off Lookout for Vision. */
export const REKOGNITION_CUSTOM_LABELS: ServiceProfile = {
  displayName: "Amazon Rekognition Custom Labels",
  slug: "rekognition-custom-labels",
  serviceHost: "rekognition",
  consoleBucketPrefix: "custom-labels-console-",
  trainingApi: "CreateProjectVersion",
  userActions: [
    "rekognition:CreateProject",
    "rekognition:CreateProjectVersion",
    "rekognition:CreateDataset",
    "rekognition:DeleteDataset",
    "rekognition:DeleteProject",
    "rekognition:DeleteProjectVersion",
    "rekognition:DescribeDataset",
    "rekognition:DescribeProjects",
    "rekognition:DescribeProjectVersions",
    "rekognition:DetectCustomLabels",
    "rekognition:DistributeDatasetEntries",
    "rekognition:ListDatasetEntries",
    "rekognition:ListDatasetLabels",
    "rekognition:ListTagsForResource",
    "rekognition:StartProjectVersion",
    "rekognition:StopProjectVersion",
    "rekognition:TagResource",
    "rekognition:UntagResource",
    "rekognition:UpdateDatasetEntries",
  ],
};

/** The service profiles for every language (jsii cannot carry plain constants). */
export class ServiceProfiles {
  /** Amazon Lookout for Vision: the default. */
  static readonly LOOKOUT_FOR_VISION: ServiceProfile = LOOKOUT_FOR_VISION;
  /** Amazon Rekognition Custom Labels. */
  static readonly REKOGNITION_CUSTOM_LABELS: ServiceProfile = REKOGNITION_CUSTOM_LABELS;

  private constructor() {}
}
