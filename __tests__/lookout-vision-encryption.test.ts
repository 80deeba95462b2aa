import "cdktf/lib/testing/adapters/jest";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LookoutVisionEncryption, LookoutVisionEncryptionProps } from "../modules/lookout-vision-encryption";
import { KEY_DATA_ACTIONS } from "../modules/policies/kms-statements";
import { BUCKET_LIST_ACTIONS, OBJECT_ACTIONS } from "../modules/policies/user-policy";
import { REKOGNITION_CUSTOM_LABELS } from "../modules/service-profile";
import { onlyResource, parsePolicy, resourcesOf, sids, statement, synth } from "./helpers";

const ENV = { region: "us-east-1", accountId: "111111111111", partition: "aws" };
const USER = "arn:aws:iam::111111111111:role/Trainer";
const BYO_KEY = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function synthEncryption(props: LookoutVisionEncryptionProps = {}) {
  let construct!: LookoutVisionEncryption;
  const result = synth((scope) => {
    construct = new LookoutVisionEncryption(scope, "Encryption", { ...ENV, keyUserArns: [USER], ...props });
  });
  return { ...result, construct };
}

const TWO_OUTPUTS = {
  outputBuckets: [
    { id: "models", bucketName: "vision-models-bucket" },
    { id: "runs", bucketName: "vision-runs-bucket", prefix: "runs/" },
  ],
};

describe("LookoutVisionEncryption", () => {
  it("creates one key, the console bucket and each output bucket, all SSE-KMS with that key", () => {
    const { json } = synthEncryption(TWO_OUTPUTS);
    const keyArn = `\${aws_kms_key.${Object.keys(resourcesOf(json, "aws_kms_key"))[0]}.arn}`;
    expect(
      Object.values(resourcesOf(json, "aws_s3_bucket"))
        .map((b) => b.bucket)
        .sort(),
    ).toEqual(["lookoutvision-us-east-1-111111111111", "vision-models-bucket", "vision-runs-bucket"]);
    const sse = Object.values(resourcesOf(json, "aws_s3_bucket_server_side_encryption_configuration")) as Array<{
      rule: Array<{ apply_server_side_encryption_by_default: unknown }>;
    }>;
    expect(sse.map((r) => r.rule[0].apply_server_side_encryption_by_default)).toEqual(
      Array(3).fill({ sse_algorithm: "aws:kms", kms_master_key_id: keyArn }),
    );
  });

  it("grants key users in the key policy", () => {
    const policy = parsePolicy(onlyResource(synthEncryption().json, "aws_kms_key").policy);
    expect(statement(policy, "AllowGrantsOnlyViaServiceForAwsResources").Principal).toEqual({ AWS: [USER] });
  });

  it("creates a user policy limited to these buckets and to key use via S3 and the service", () => {
    const { json, text } = synthEncryption(TWO_OUTPUTS);
    expect(text).toHaveResourceWithProperties(IamPolicy, { name_prefix: "lookout-vision-users-" });
    const policy = parsePolicy(onlyResource(json, "aws_iam_policy").policy);
    const bucketArns = Object.keys(resourcesOf(json, "aws_s3_bucket")).map((name) => `\${aws_s3_bucket.${name}.arn}`);
    const keyArn = `\${aws_kms_key.${Object.keys(resourcesOf(json, "aws_kms_key"))[0]}.arn}`;
    expect(sids(policy)).toEqual([
      "UseService",
      "ListDataBuckets",
      "ReadWriteDataObjects",
      "AllowGrantsOnlyViaServiceForAwsResources",
      "AllowDescribeKey",
      "AllowDataUseOnlyViaServices",
    ]);
    expect(statement(policy, "UseService")).toEqual({ Sid: "UseService", Effect: "Allow", Action: ["lookoutvision:*"], Resource: "*" });
    expect(statement(policy, "ListDataBuckets")).toEqual({
      Sid: "ListDataBuckets",
      Effect: "Allow",
      Action: BUCKET_LIST_ACTIONS,
      Resource: expect.arrayContaining(bucketArns),
    });
    expect((statement(policy, "ListDataBuckets").Resource as string[]).length).toBe(3);
    expect(statement(policy, "ReadWriteDataObjects")).toEqual({
      Sid: "ReadWriteDataObjects",
      Effect: "Allow",
      Action: OBJECT_ACTIONS,
      Resource: expect.arrayContaining(bucketArns.map((a) => `${a}/*`)),
    });
    expect(statement(policy, "AllowGrantsOnlyViaServiceForAwsResources")).toEqual({
      Sid: "AllowGrantsOnlyViaServiceForAwsResources",
      Effect: "Allow",
      Action: ["kms:CreateGrant"],
      Resource: keyArn,
      Condition: { StringEquals: { "kms:ViaService": "lookoutvision.us-east-1.amazonaws.com" }, Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
    expect(statement(policy, "AllowDataUseOnlyViaServices")).toEqual({
      Sid: "AllowDataUseOnlyViaServices",
      Effect: "Allow",
      Action: KEY_DATA_ACTIONS,
      Resource: keyArn,
      Condition: { StringEquals: { "kms:ViaService": ["s3.us-east-1.amazonaws.com", "lookoutvision.us-east-1.amazonaws.com"] } },
    });
    expect(policy.Statement.every((s) => s.Principal === undefined)).toBe(true);
  });

  it("attaches the user policy to the given roles", () => {
    const { text } = synthEncryption({ userPolicy: { attachToRoleNames: ["Trainer", "Analyst"] } });
    expect(text).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: "Trainer" });
    expect(text).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: "Analyst" });
  });

  it("leaves out the console bucket and user policy when asked", () => {
    const { json } = synthEncryption({ consoleBucket: false, userPolicy: false, ...TWO_OUTPUTS });
    expect(Object.keys(resourcesOf(json, "aws_s3_bucket"))).toHaveLength(2);
    expect(resourcesOf(json, "aws_iam_policy")).toEqual({});
    expect(Object.keys(json.output as object)).not.toContain("console_bucket_name");
  });

  it("writes the outputs users need, including the OutputConfig JSON for CreateModel", () => {
    const { json } = synthEncryption(TWO_OUTPUTS);
    const outputs = json.output as Record<string, { value: unknown; description: string }>;
    expect(Object.keys(outputs).sort()).toEqual([
      "console_bucket_arn",
      "console_bucket_name",
      "key_alias",
      "key_arn",
      "output_bucket_arns",
      "output_bucket_names",
      "output_configs",
      "user_policy_arn",
    ]);
    const models = Object.keys(resourcesOf(json, "aws_s3_bucket")).find((n) => n.includes("models"));
    expect((outputs.output_configs.value as Record<string, string>).models).toBe(
      `\${jsonencode({"S3Location" = {"Bucket" = aws_s3_bucket.${models}.bucket, "Prefix" = "training-output/"}})}`,
    );
    expect(outputs.key_alias.value).toBe("alias/lookout-vision");
    expect(Object.values(outputs).every((o) => o.description.length > 0)).toBe(true);
  });

  it("prefixes output names so two set-ups fit in one stack", () => {
    const { json } = synth((scope) => {
      new LookoutVisionEncryption(scope, "A", { ...ENV, keyUserArns: [USER], outputNamePrefix: "a_" });
      new LookoutVisionEncryption(scope, "B", {
        ...ENV,
        keyUserArns: [USER],
        region: "eu-west-1",
        outputNamePrefix: "b_",
        key: { alias: "alias/lookout-vision-b" },
      });
    });
    expect(Object.keys(json.output as object)).toEqual(expect.arrayContaining(["a_key_arn", "b_key_arn"]));
  });

  describe("with a bring-your-own key", () => {
    const byo = () => synthEncryption({ key: { existingKeyArn: BYO_KEY }, ...TWO_OUTPUTS });

    it("creates no key and encrypts every bucket with the given key", () => {
      const { json } = byo();
      expect(resourcesOf(json, "aws_kms_key")).toEqual({});
      const sse = Object.values(resourcesOf(json, "aws_s3_bucket_server_side_encryption_configuration")) as Array<{
        rule: Array<{ apply_server_side_encryption_by_default: { kms_master_key_id: string } }>;
      }>;
      expect(sse.map((r) => r.rule[0].apply_server_side_encryption_by_default.kms_master_key_id)).toEqual([BYO_KEY, BYO_KEY, BYO_KEY]);
      expect(statement(parsePolicy(onlyResource(json, "aws_iam_policy").policy), "AllowDescribeKey").Resource).toBe(BYO_KEY);
    });

    it("outputs the key policy statements the key's owner must add, naming the key users", () => {
      const outputs = byo().json.output as Record<string, { value: string }>;
      const snippet = parsePolicy(outputs.key_policy_statements_for_key_owner.value);
      expect(sids(snippet)).toEqual(["AllowGrantsOnlyViaServiceForAwsResources", "AllowDescribeKey", "AllowDataUseOnlyViaServices"]);
      expect(snippet.Statement.map((s) => s.Principal)).toEqual(Array(3).fill({ AWS: [USER] }));
      expect(statement(snippet, "AllowGrantsOnlyViaServiceForAwsResources").Condition?.Bool).toEqual({ "kms:GrantIsForAWSResource": "true" });
    });
  });

  it("serves Rekognition Custom Labels with the same constructs", () => {
    const { json } = synthEncryption({ profile: REKOGNITION_CUSTOM_LABELS, consoleBucket: { suffix: "abc123" } });
    expect(onlyResource(json, "aws_s3_bucket").bucket).toBe("custom-labels-console-us-east-1-abc123");
    const policy = parsePolicy(onlyResource(json, "aws_iam_policy").policy);
    expect(statement(policy, "UseService").Action).toEqual(REKOGNITION_CUSTOM_LABELS.userActions);
    expect(statement(policy, "AllowGrantsOnlyViaServiceForAwsResources").Condition?.StringEquals["kms:ViaService"]).toBe(
      "rekognition.us-east-1.amazonaws.com",
    );
    expect(onlyResource(json, "aws_kms_alias").name).toBe("alias/rekognition-custom-labels");
    expect((json.output as Record<string, { description: string }>).output_configs.description).toContain("CreateProjectVersion");
  });
});

describe("LookoutVisionEncryption access logs", () => {
  const logged = () => synthEncryption({ ...TWO_OUTPUTS, bucketSettings: { accessLogs: { targetPrefix: "s3/", expireAfterDays: 90 } } }).json;

  it("sends every bucket's logs to one shared SSE-S3 log bucket, each under its own prefix", () => {
    const json = logged();
    const buckets = resourcesOf(json, "aws_s3_bucket");
    const [logName, logBucket] = Object.entries(buckets).find(([, b]) => b.bucket_prefix !== undefined) as [string, Record<string, unknown>];
    expect(Object.keys(buckets)).toHaveLength(4);
    expect(logBucket).toMatchObject({ bucket_prefix: "lookout-vision-logs-", force_destroy: false, lifecycle: { prevent_destroy: true } });
    const loggings = Object.values(resourcesOf(json, "aws_s3_bucket_logging"));
    expect(loggings.map((l) => l.target_bucket)).toEqual(Array(3).fill(`\${aws_s3_bucket.${logName}.id}`));
    expect(loggings.map((l) => l.target_prefix).sort()).toEqual(["s3/console/", "s3/output-models/", "s3/output-runs/"]);
    const logSse = Object.values(resourcesOf(json, "aws_s3_bucket_server_side_encryption_configuration")).find(
      (r) => r.bucket === `\${aws_s3_bucket.${logName}.id}`,
    );
    expect(logSse?.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, blocked_encryption_types: ["SSE-C"] }]);
    const lifecycle = Object.values(resourcesOf(json, "aws_s3_bucket_lifecycle_configuration")).find(
      (r) => r.bucket === `\${aws_s3_bucket.${logName}.id}`,
    );
    expect(lifecycle?.rule).toEqual([expect.objectContaining({ expiration: [{ days: 90 }] })]);
  });

  it("lets S3 log delivery write for exactly the three source buckets", () => {
    const json = logged();
    const logName = Object.entries(resourcesOf(json, "aws_s3_bucket")).find(([, b]) => b.bucket_prefix !== undefined)?.[0];
    const policy = parsePolicy(
      Object.values(resourcesOf(json, "aws_s3_bucket_policy")).find((p) => p.bucket === `\${aws_s3_bucket.${logName}.id}`)?.policy,
    );
    const sources = Object.keys(resourcesOf(json, "aws_s3_bucket"))
      .filter((n) => n !== logName)
      .map((n) => `\${aws_s3_bucket.${n}.arn}`);
    expect(sids(policy)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "AllowServerAccessLogDelivery"]);
    expect(statement(policy, "AllowServerAccessLogDelivery").Condition).toEqual({
      ArnLike: { "aws:SourceArn": expect.arrayContaining(sources) },
      StringEquals: { "aws:SourceAccount": "111111111111" },
    });
    expect((statement(policy, "AllowServerAccessLogDelivery").Condition?.ArnLike["aws:SourceArn"] as string[]).length).toBe(3);
  });

  it("creates no log bucket and no logging without accessLogs", () => {
    const json = synthEncryption(TWO_OUTPUTS).json;
    expect(resourcesOf(json, "aws_s3_bucket_logging")).toEqual({});
    expect(Object.values(resourcesOf(json, "aws_s3_bucket")).every((b) => b.bucket_prefix === undefined)).toBe(true);
  });
});
