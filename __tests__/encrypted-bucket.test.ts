import "cdktf/lib/testing/adapters/jest";
import { TerraformStack, Testing } from "cdktf";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { AccessLogBucket } from "../modules/access-log-bucket";
import { EncryptedBucket, EncryptedBucketProps } from "../modules/encrypted-bucket";
import { LookoutVisionKey } from "../modules/lookout-vision-key";
import { encryptedBucketPolicy } from "../modules/policies/bucket-policy";
import { PolicyDocument, PolicyStatement } from "../modules/policies/policy-document";
import { onlyResource, parsePolicy, resourcesOf, sids, statement, synth, SynthJson } from "./helpers";

const ENV = { region: "us-east-1", accountId: "111111111111", partition: "aws" };
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function synthBucket(props: Partial<EncryptedBucketProps> = {}) {
  return synth((scope) => {
    new EncryptedBucket(scope, "Data", { ...ENV, encryptionKey: KEY_ARN, bucketName: "vision-data-bucket", ...props });
  });
}

/** Reference to an attribute of the aws_s3_bucket with this name (the data bucket by default). */
function bucketRef(json: SynthJson, attribute: string, name = "vision-data-bucket"): string {
  const entry = Object.entries(resourcesOf(json, "aws_s3_bucket")).find(([, b]) => b.bucket === name);
  if (!entry) throw new Error(`no bucket ${name}`);
  return `\${aws_s3_bucket.${entry[0]}.${attribute}}`;
}

/** The bucket policy of the data bucket (the one that is not the log bucket). */
function dataBucketPolicy(json: SynthJson): PolicyDocument {
  const id = bucketRef(json, "id");
  const policy = Object.values(resourcesOf(json, "aws_s3_bucket_policy")).find((p) => p.bucket === id);
  return parsePolicy(policy?.policy);
}

describe("EncryptedBucket resources", () => {
  it("creates the bucket with force_destroy off and prevent_destroy on", () => {
    const bucket = onlyResource(synthBucket().json, "aws_s3_bucket");
    expect(bucket).toMatchObject({ bucket: "vision-data-bucket", force_destroy: false, lifecycle: { prevent_destroy: true }, region: "us-east-1" });
  });

  it("defaults to SSE-KMS with the key, bucket key on and SSE-C blocked", () => {
    const { text, json } = synthBucket();
    expect(text).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket: bucketRef(json, "id"),
      rule: [
        {
          apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY_ARN },
          bucket_key_enabled: true,
          blocked_encryption_types: ["SSE-C"],
        },
      ],
    });
  });

  it("uses the ARN of a LookoutVisionKey", () => {
    const { json } = synth((scope) => {
      const key = new LookoutVisionKey(scope, "Key", ENV);
      new EncryptedBucket(scope, "Data", { ...ENV, encryptionKey: key });
    });
    const keyName = Object.keys(resourcesOf(json, "aws_kms_key"))[0];
    const sse = onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration") as {
      rule: Array<{ apply_server_side_encryption_by_default: { kms_master_key_id: string } }>;
    };
    expect(sse.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(`\${aws_kms_key.${keyName}.arn}`);
    const policy = parsePolicy(onlyResource(json, "aws_s3_bucket_policy").policy);
    expect(statement(policy, "DenyOtherKmsKey").Condition?.StringNotEquals["s3:x-amz-server-side-encryption-aws-kms-key-id"]).toBe(
      `\${aws_kms_key.${keyName}.arn}`,
    );
  });

  it("blocks all public access", () => {
    const { text, json } = synthBucket();
    expect(text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      bucket: bucketRef(json, "id"),
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("turns ACLs off with BucketOwnerEnforced", () => {
    expect(synthBucket().text).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: "BucketOwnerEnforced" } });
  });

  it("aborts incomplete multipart uploads after 7 days, configurable", () => {
    const rule = (days?: number) => ({
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: [{ prefix: "" }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: days }],
    });
    expect(synthBucket().text).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, { rule: [rule(7)] });
    expect(synthBucket({ abortIncompleteMultipartUploadDays: 2 }).text).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [rule(2)],
    });
  });

  it("makes the bucket policy depend on the public access block", () => {
    const { json } = synthBucket();
    const pabName = Object.keys(resourcesOf(json, "aws_s3_bucket_public_access_block"))[0];
    expect(onlyResource(json, "aws_s3_bucket_policy").depends_on).toEqual([`aws_s3_bucket_public_access_block.${pabName}`]);
  });

  it("adopts an existing bucket with an import block", () => {
    const { json } = synthBucket({ importExisting: true });
    const bucketName = Object.keys(resourcesOf(json, "aws_s3_bucket"))[0];
    expect(json.import).toEqual([{ id: "vision-data-bucket", to: `aws_s3_bucket.${bucketName}` }]);
  });
});

describe("EncryptedBucket policy", () => {
  const arn = "${aws_s3_bucket.Data_Bucket_80AFC3B6.arn}";
  const policy = () => dataBucketPolicy(synthBucket().json);

  it("has our statements in a stable order", () => {
    expect(sids(policy())).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyNonKmsEncryptionHeader", "DenyOtherKmsKey", "DenySseC"]);
    expect(policy().Statement.every((s) => s.Effect === "Deny" && s.Principal === "*")).toBe(true);
  });

  it("denies every request without TLS on the bucket and its objects", () => {
    expect(statement(policy(), "DenyInsecureTransport")).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [arn, `${arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("denies TLS below 1.2, or the configured minimum", () => {
    expect(statement(policy(), "DenyOutdatedTls")).toEqual({
      Sid: "DenyOutdatedTls",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [arn, `${arn}/*`],
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    });
    const tls13 = dataBucketPolicy(synthBucket({ minimumTlsVersion: "1.3" }).json);
    expect(statement(tls13, "DenyOutdatedTls").Condition).toEqual({ NumericLessThan: { "s3:TlsVersion": "1.3" } });
  });

  it("denies uploads naming an encryption other than aws:kms", () => {
    expect(statement(policy(), "DenyNonKmsEncryptionHeader")).toEqual({
      Sid: "DenyNonKmsEncryptionHeader",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject"],
      Resource: `${arn}/*`,
      Condition: {
        Null: { "s3:x-amz-server-side-encryption": "false" },
        StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      },
    });
  });

  it("denies uploads naming another KMS key", () => {
    expect(statement(policy(), "DenyOtherKmsKey")).toEqual({
      Sid: "DenyOtherKmsKey",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject"],
      Resource: `${arn}/*`,
      Condition: {
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN },
      },
    });
  });

  it("denies SSE-C uploads", () => {
    expect(statement(policy(), "DenySseC")).toEqual({
      Sid: "DenySseC",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject"],
      Resource: `${arn}/*`,
      Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
    });
  });

  /**
   * Reads each deny's conditions as written: a `Null: {k: "false"}` condition needs header k present,
   * so a TLS 1.2 PutObject without encryption headers must match no Deny.
   */
  it("does not deny an upload without encryption headers over TLS 1.2", () => {
    const request: Record<string, string | undefined> = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.2" };
    const matches = (s: PolicyStatement) =>
      Object.entries(s.Condition ?? {}).every(([operator, block]) =>
        Object.entries(block).every(([key, expected]) => {
          const value = request[key];
          if (operator === "Null") return (value === undefined) === (expected === "true");
          if (value === undefined) return operator.startsWith("StringNot");
          if (operator === "Bool") return value === expected;
          if (operator === "NumericLessThan") return Number(value) < Number(expected);
          if (operator === "StringNotEquals") return value !== expected;
          throw new Error(`operator ${operator} not modelled`);
        }),
      );
    const denies = policy()
      .Statement.filter((s) => s.Effect === "Deny" && matches(s))
      .map((s) => s.Sid);
    expect(denies).toEqual([]);
    request["s3:x-amz-server-side-encryption"] = "AES256";
    expect(
      policy()
        .Statement.filter((s) => matches(s))
        .map((s) => s.Sid),
    ).toEqual(["DenyNonKmsEncryptionHeader"]);
  });

  it("appends the caller's statements after ours", () => {
    const extra: PolicyStatement = {
      Sid: "AllowReplicationRole",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::111111111111:role/Replication"] },
      Action: ["s3:GetObject"],
      Resource: `${arn}/*`,
    };
    const { json } = synth((scope) => {
      const bucket = new EncryptedBucket(scope, "Data", {
        ...ENV,
        encryptionKey: KEY_ARN,
        bucketName: "vision-data-bucket",
        additionalPolicyStatements: [extra],
      });
      bucket.addToResourcePolicy({ ...extra, Sid: "AllowLater" });
    });
    const doc = dataBucketPolicy(json);
    expect(sids(doc)).toEqual([
      "DenyInsecureTransport",
      "DenyOutdatedTls",
      "DenyNonKmsEncryptionHeader",
      "DenyOtherKmsKey",
      "DenySseC",
      "AllowReplicationRole",
      "AllowLater",
    ]);
    expect(statement(doc, "AllowReplicationRole")).toEqual(extra);
  });

  it("drops the TLS statements only with the explicit acknowledgement", () => {
    const doc = dataBucketPolicy(synthBucket({ enforceTls: false, acknowledgeInsecureTransport: true }).json);
    expect(sids(doc)).toEqual(["DenyNonKmsEncryptionHeader", "DenyOtherKmsKey", "DenySseC"]);
  });

  it("is a pure function callable without synthesizing", () => {
    const doc = encryptedBucketPolicy({ bucketArn: "arn:aws:s3:::b", keyArn: KEY_ARN, enforceTls: true, minimumTlsVersion: "1.2" });
    expect(statement(doc, "DenyInsecureTransport").Resource).toEqual(["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
  });
});

describe("EncryptedBucket access logs", () => {
  const LOGS = "vision-data-bucket-logs";
  const logged = () => synthBucket({ accessLogs: { targetPrefix: "s3/" } }).json;

  it("logs into a separate SSE-S3 bucket named after the source", () => {
    const json = logged();
    const buckets = Object.values(resourcesOf(json, "aws_s3_bucket"));
    expect(buckets.map((b) => b.bucket).sort()).toEqual(["vision-data-bucket", LOGS]);
    expect(buckets.find((b) => b.bucket === LOGS)).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
    const logSse = Object.values(resourcesOf(json, "aws_s3_bucket_server_side_encryption_configuration")).find(
      (r) => r.bucket === bucketRef(json, "id", LOGS),
    );
    expect(logSse?.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, blocked_encryption_types: ["SSE-C"] }]);
    expect(onlyResource(json, "aws_s3_bucket_logging")).toMatchObject({
      bucket: bucketRef(json, "id"),
      target_bucket: bucketRef(json, "id", LOGS),
      target_prefix: "s3/",
    });
  });

  it("blocks public access on the log bucket, makes it TLS-only and lets only S3 logging of the source write", () => {
    const json = logged();
    const logId = bucketRef(json, "id", LOGS);
    const pab = Object.values(resourcesOf(json, "aws_s3_bucket_public_access_block")).find((r) => r.bucket === logId);
    expect(pab).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const policy = parsePolicy(Object.values(resourcesOf(json, "aws_s3_bucket_policy")).find((r) => r.bucket === logId)?.policy);
    expect(sids(policy)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "AllowServerAccessLogDelivery"]);
    expect(statement(policy, "AllowServerAccessLogDelivery")).toEqual({
      Sid: "AllowServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: ["logging.s3.amazonaws.com"] },
      Action: ["s3:PutObject"],
      Resource: `${bucketRef(json, "arn", LOGS)}/*`,
      Condition: { ArnLike: { "aws:SourceArn": [bucketRef(json, "arn")] }, StringEquals: { "aws:SourceAccount": "111111111111" } },
    });
  });

  it("expires logs after 365 days by default", () => {
    const json = logged();
    const lifecycle = Object.values(resourcesOf(json, "aws_s3_bucket_lifecycle_configuration")).find((r) => r.bucket === bucketRef(json, "id", LOGS));
    expect(lifecycle?.rule).toEqual([expect.objectContaining({ expiration: [{ days: 365 }] })]);
  });
});

describe("EncryptedBucket shared access-log destination", () => {
  it("delivers to a given AccessLogBucket and adds itself to that bucket's delivery policy", () => {
    const { json } = synth((scope) => {
      const logs = new AccessLogBucket(scope, "Logs", { ...ENV, bucketName: "shared-access-logs" });
      for (const name of ["vision-a-bucket", "vision-b-bucket"]) {
        new EncryptedBucket(scope, name, {
          ...ENV,
          encryptionKey: KEY_ARN,
          bucketName: name,
          accessLogs: { destination: logs, targetPrefix: `${name}/` },
        });
      }
    });
    expect(
      Object.values(resourcesOf(json, "aws_s3_bucket"))
        .map((b) => b.bucket)
        .sort(),
    ).toEqual(["shared-access-logs", "vision-a-bucket", "vision-b-bucket"]);
    const logsId = bucketRef(json, "id", "shared-access-logs");
    expect(Object.values(resourcesOf(json, "aws_s3_bucket_logging")).map((l) => [l.target_bucket, l.target_prefix])).toEqual([
      [logsId, "vision-a-bucket/"],
      [logsId, "vision-b-bucket/"],
    ]);
    const policy = parsePolicy(Object.values(resourcesOf(json, "aws_s3_bucket_policy")).find((p) => p.bucket === logsId)?.policy);
    expect(statement(policy, "AllowServerAccessLogDelivery").Condition?.ArnLike["aws:SourceArn"]).toEqual([
      bucketRef(json, "arn", "vision-a-bucket"),
      bucketRef(json, "arn", "vision-b-bucket"),
    ]);
  });

  it("has no delivery statement while no bucket logs into it", () => {
    const { json } = synth((scope) => {
      new AccessLogBucket(scope, "Logs", ENV);
    });
    expect(sids(parsePolicy(onlyResource(json, "aws_s3_bucket_policy").policy))).toEqual(["DenyInsecureTransport", "DenyOutdatedTls"]);
    expect(onlyResource(json, "aws_s3_bucket")).toMatchObject({
      bucket_prefix: "access-logs-",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("refuses new-log-bucket options next to a destination", () => {
    expect(() =>
      synth((scope) => {
        const logs = new AccessLogBucket(scope, "Logs", ENV);
        new EncryptedBucket(scope, "Data", { ...ENV, encryptionKey: KEY_ARN, accessLogs: { destination: logs, expireAfterDays: 30 } });
      }),
    ).toThrow(/^EncryptedBucket: accessLogs.expireAfterDays must be unset with accessLogs.destination \(it configures a new log bucket\), got 30$/);
  });
});

describe("EncryptedBucket determinism", () => {
  it("synthesizes byte-identical JSON for the same input", () => {
    const build = () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      new EncryptedBucket(stack, "Data", { ...ENV, encryptionKey: KEY_ARN, bucketName: "vision-data-bucket", accessLogs: true });
      return Testing.synth(stack);
    };
    expect(build()).toBe(build());
  });
});
