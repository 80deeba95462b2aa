import "cdktf/lib/testing/adapters/jest";
import { TerraformVariable } from "cdktf";
import { ConsoleBucket, ConsoleBucketProps } from "../modules/console-bucket";
import { OutputBucket, OutputBucketProps } from "../modules/output-bucket";
import { REKOGNITION_CUSTOM_LABELS } from "../modules/service-profile";
import { onlyResource, parsePolicy, sids, synth } from "./helpers";

const ENV = { region: "eu-west-1", accountId: "111111111111", partition: "aws" };
const KEY_ARN = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const OUR_SIDS = ["DenyInsecureTransport", "DenyOutdatedTls", "DenyNonKmsEncryptionHeader", "DenyOtherKmsKey", "DenySseC"];

function synthConsole(props: Partial<ConsoleBucketProps> = {}) {
  return synth((scope) => {
    new ConsoleBucket(scope, "Console", { ...ENV, encryptionKey: KEY_ARN, ...props });
  });
}

function synthOutput(props: Partial<OutputBucketProps> = {}) {
  let bucket!: OutputBucket;
  const result = synth((scope) => {
    bucket = new OutputBucket(scope, "Output", { ...ENV, encryptionKey: KEY_ARN, bucketName: "vision-training-output", ...props });
  });
  return { ...result, bucket };
}

describe("ConsoleBucket", () => {
  it("is named lookoutvision-<region>-<account> by default", () => {
    expect(onlyResource(synthConsole().json, "aws_s3_bucket").bucket).toBe("lookoutvision-eu-west-1-111111111111");
  });

  it("takes a suffix and the Custom Labels profile prefix", () => {
    expect(onlyResource(synthConsole({ suffix: "team-a" }).json, "aws_s3_bucket").bucket).toBe("lookoutvision-eu-west-1-team-a");
    expect(onlyResource(synthConsole({ profile: REKOGNITION_CUSTOM_LABELS, suffix: "abc123" }).json, "aws_s3_bucket").bucket).toBe(
      "custom-labels-console-eu-west-1-abc123",
    );
  });

  it("builds the name from data sources when region and account are not given", () => {
    const { json } = synth((scope) => {
      new ConsoleBucket(scope, "Console", { encryptionKey: KEY_ARN });
    });
    expect(onlyResource(json, "aws_s3_bucket").bucket).toMatch(
      /^lookoutvision-\$\{data\.aws_region\.AwsEnvironment_region_\w+\.region\}-\$\{data\.aws_caller_identity\.AwsEnvironment_identity_\w+\.account_id\}$/,
    );
  });

  it("is SSE-KMS, public-access-blocked and TLS-only like every EncryptedBucket", () => {
    const { json } = synthConsole();
    expect(onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY_ARN },
        bucket_key_enabled: true,
        blocked_encryption_types: ["SSE-C"],
      },
    ]);
    expect(onlyResource(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(sids(parsePolicy(onlyResource(json, "aws_s3_bucket_policy").policy))).toEqual(OUR_SIDS);
  });

  it("adopts the bucket the console already created", () => {
    const { json } = synthConsole({ importExisting: true });
    expect(json.import).toEqual([{ id: "lookoutvision-eu-west-1-111111111111", to: expect.stringMatching(/^aws_s3_bucket\.Console_Bucket_\w+$/) }]);
  });
});

describe("OutputBucket", () => {
  it("exposes the OutputConfig for CreateModel with the default prefix", () => {
    const { bucket, json } = synthOutput();
    expect(onlyResource(json, "aws_s3_bucket").bucket).toBe("vision-training-output");
    expect(bucket.prefix).toBe("training-output/");
    expect(bucket.profile.trainingApi).toBe("CreateModel");
    expect(bucket.outputConfig.S3Location.Prefix).toBe("training-output/");
    expect(bucket.outputConfig.S3Location.Bucket).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
  });

  it("takes a prefix", () => {
    expect(synthOutput({ prefix: "models/v1/" }).bucket.prefix).toBe("models/v1/");
  });

  it("is encrypted with the key like every other bucket", () => {
    const { json } = synthOutput();
    expect(onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      expect.objectContaining({
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY_ARN },
        bucket_key_enabled: true,
      }),
    ]);
    expect(sids(parsePolicy(onlyResource(json, "aws_s3_bucket_policy").policy))).toEqual(OUR_SIDS);
  });

  it("accepts a Terraform variable as prefix (checked by the module's validation)", () => {
    expect(() =>
      synth((scope) => {
        const prefix = new TerraformVariable(scope, "prefix", { type: "string" });
        new OutputBucket(scope, "Output", { ...ENV, encryptionKey: KEY_ARN, prefix: prefix.stringValue });
      }),
    ).not.toThrow();
  });
});
