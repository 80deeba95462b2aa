import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { KmsReplicaKey } from "@cdktf/provider-aws/lib/kms-replica-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { analyzeStack } from "../modules/posture/analyze";
import { RULES, RULE_IDS } from "../modules/posture/rules";
import {
  HandWrittenBucket,
  ROLE,
  analyze,
  grantStatement,
  handWrittenBucket,
  handWrittenKey,
  rootStatement,
  summary,
  tlsDenyStatement,
} from "./posture-fixtures";

/** One key and one bucket, hand-written; `breakIt` changes one thing. */
function check(breakIt: (parts: HandWrittenBucket & { key: KmsKey }) => void = () => {}) {
  return analyze((scope) => {
    const key = handWrittenKey(scope);
    breakIt({ ...handWrittenBucket(scope, "Data", key), key });
  });
}

/** The data bucket logs into a second bucket with SSE-S3; `target` adjusts that bucket and names it for the logging. */
function withLogBucket(target: (logs: HandWrittenBucket, scope: Construct) => string) {
  return analyze((scope) => {
    const key = handWrittenKey(scope);
    const data = handWrittenBucket(scope, "Data", key);
    const logs = handWrittenBucket(scope, "Logs", key);
    logs.encryption.putRule([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    data.logging.targetBucket = target(logs, scope);
  });
}

function keyPolicy(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

describe("posture rules on hand-written resources", () => {
  it("finds nothing on a bucket and key that follow every rule", () => {
    const posture = check();
    expect(summary(posture)).toEqual([]);
    expect(posture.buckets.map((b) => [b.name, b.keyAddress, b.tlsPolicy])).toEqual([["data-bucket", "aws_kms_key.Key", "enforced"]]);
  });

  it("LVE-S3-001: a bucket without default encryption is an error", () => {
    expect(summary(check(({ encryption }) => encryption.node.scope?.node.tryRemoveChild(encryption.node.id)))).toEqual([
      "LVE-S3-001 error aws_s3_bucket.Data",
    ]);
  });

  it("LVE-S3-001: the deprecated inline encryption block of aws_s3_bucket counts as encryption", () => {
    const posture = check(({ encryption, bucket, key }) => {
      encryption.node.scope?.node.tryRemoveChild(encryption.node.id);
      bucket.addOverride("server_side_encryption_configuration", {
        rule: { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key.arn }, bucket_key_enabled: true },
      });
    });
    expect(summary(posture)).toEqual([]);
  });

  it("LVE-S3-002: SSE-S3 only on a data bucket is a warning", () => {
    const posture = check(({ encryption }) => {
      encryption.putRule([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    });
    expect(summary(posture)).toEqual(["LVE-S3-002 warning aws_s3_bucket.Data"]);
    expect(posture.findings[0].message).toMatch(/SSE-S3 \(AES256\)/);
  });

  it("LVE-S3-002: SSE-S3 on a bucket that receives server access logs is right (S3 cannot log to SSE-KMS)", () => {
    const posture = withLogBucket((logs) => logs.bucket.bucket);
    expect(summary(posture)).toEqual([]);
    expect(posture.buckets.map((b) => [b.name, b.isLogBucket, b.loggingTarget])).toEqual([
      ["data-bucket", false, "aws_s3_bucket.Logs"],
      ["logs-bucket", true, "central-access-logs"],
    ]);
  });

  it("LVE-S3-003: SSE-KMS without a bucket key is a warning", () => {
    const posture = check(({ encryption, key }) => {
      encryption.putRule([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn } }]);
    });
    expect(summary(posture)).toEqual(["LVE-S3-003 warning aws_s3_bucket.Data"]);
  });

  it("LVE-S3-004: a bucket without a public access block is an error", () => {
    const posture = check(({ publicAccessBlock }) => publicAccessBlock.node.scope?.node.tryRemoveChild(publicAccessBlock.node.id));
    expect(summary(posture)).toEqual(["LVE-S3-004 error aws_s3_bucket.Data"]);
  });

  it("LVE-S3-004: any of the four flags off is an error naming the flag", () => {
    const posture = check(({ publicAccessBlock }) => {
      publicAccessBlock.restrictPublicBuckets = false;
    });
    expect(summary(posture)).toEqual(["LVE-S3-004 error aws_s3_bucket.Data"]);
    expect(posture.findings[0].message).toBe("public access block has restrict_public_buckets not true");
  });

  it("LVE-S3-005: a bucket without a policy is an error", () => {
    const posture = check(({ policy }) => policy.node.scope?.node.tryRemoveChild(policy.node.id));
    expect(summary(posture)).toEqual(["LVE-S3-005 error aws_s3_bucket.Data"]);
  });

  it.each([
    ["allows instead of denies", (b: S3Bucket) => ({ ...tlsDenyStatement(b), Effect: "Allow" })],
    ["covers only the objects", (b: S3Bucket) => tlsDenyStatement(b, [`${b.arn}/*`])],
    ["covers only s3:GetObject", (b: S3Bucket) => ({ ...tlsDenyStatement(b), Action: "s3:GetObject" })],
    ["names one principal", (b: S3Bucket) => ({ ...tlsDenyStatement(b), Principal: { AWS: ROLE } })],
    ["tests aws:SecureTransport = true", (b: S3Bucket) => ({ ...tlsDenyStatement(b), Condition: { Bool: { "aws:SecureTransport": "true" } } })],
    ["covers another bucket", (b: S3Bucket) => tlsDenyStatement(b, ["arn:aws:s3:::other", "arn:aws:s3:::other/*"])],
  ])("LVE-S3-005: a TLS statement that %s does not count", (_name, statement) => {
    const posture = check(({ policy, bucket }) => {
      policy.policy = JSON.stringify({ Version: "2012-10-17", Statement: [statement(bucket)] });
    });
    expect(summary(posture)).toEqual(["LVE-S3-005 error aws_s3_bucket.Data"]);
  });

  it("LVE-S3-005: literal ARNs in any partition, wildcards and a single Bool value count", () => {
    const posture = check(({ policy, bucket }) => {
      const statement = {
        ...tlsDenyStatement(bucket, ["arn:aws-cn:s3:::data-bucket", "arn:${data.aws_partition.p.partition}:s3:::data-bucket/*"]),
        Action: ["*"],
      };
      policy.policy = JSON.stringify({ Version: "2012-10-17", Statement: statement });
    });
    expect(summary(posture)).toEqual([]);
  });

  it("LVE-S3-005: a policy computed at plan time is a warning (cannot be checked), never a pass", () => {
    const posture = check(({ policy }) => {
      policy.policy = "${data.aws_iam_policy_document.bucket.json}";
    });
    expect(summary(posture)).toEqual(["LVE-S3-005 warning aws_s3_bucket.Data"]);
    expect(posture.findings[0].message).toBe(
      "cannot be checked at synth: policy is computed at plan time: ${data.aws_iam_policy_document.bucket.json}",
    );
    expect(posture.findings[0].fix).toMatch(/only known at plan time/);
  });

  it("LVE-S3-006: force_destroy on a data bucket is a warning", () => {
    const posture = check(({ bucket }) => {
      bucket.forceDestroy = true;
    });
    expect(summary(posture)).toEqual(["LVE-S3-006 warning aws_s3_bucket.Data"]);
  });

  it("LVE-S3-007: a data bucket without server access logging is a warning", () => {
    const posture = check(({ logging }) => logging.node.scope?.node.tryRemoveChild(logging.node.id));
    expect(summary(posture)).toEqual(["LVE-S3-007 warning aws_s3_bucket.Data"]);
    expect(posture.findings[0].message).toBe("no server access logging (no aws_s3_bucket_logging for this bucket)");
  });

  it("LVE-S3-007: the deprecated inline logging block of aws_s3_bucket counts", () => {
    const posture = check(({ logging, bucket }) => {
      logging.node.scope?.node.tryRemoveChild(logging.node.id);
      bucket.addOverride("logging", { target_bucket: "central-access-logs", target_prefix: "data/" });
    });
    expect(summary(posture)).toEqual([]);
  });

  it.each([
    ["suspended", "Suspended", "LVE-S3-008 warning", "versioning is Suspended"],
    ["a variable", "${var.versioning}", "LVE-S3-008 warning", "cannot be checked at synth: versioning status is ${var.versioning}"],
  ])("LVE-S3-008: versioning %s is a warning", (_name, status, expected, message) => {
    const posture = check(({ versioning }) => versioning.putVersioningConfiguration({ status }));
    expect(summary(posture)).toEqual([`${expected} aws_s3_bucket.Data`]);
    expect(posture.findings[0].message).toBe(message);
  });

  it("LVE-S3-008: a data bucket without versioning is a warning", () => {
    const posture = check(({ versioning }) => versioning.node.scope?.node.tryRemoveChild(versioning.node.id));
    expect(summary(posture)).toEqual(["LVE-S3-008 warning aws_s3_bucket.Data"]);
    expect(posture.findings[0].message).toBe("no aws_s3_bucket_versioning for this bucket");
  });

  it("LVE-S3-007/008: a bucket that receives server access logs needs neither its own logging nor versioning", () => {
    const posture = withLogBucket((logs, scope) => {
      for (const part of [logs.logging, logs.versioning]) scope.node.tryRemoveChild(part.node.id);
      return logs.bucket.id;
    });
    expect(summary(posture)).toEqual([]);
    expect(posture.buckets.map((b) => [b.name, b.isLogBucket, b.versioning ?? "none", b.loggingTarget ?? "none"])).toEqual([
      ["data-bucket", false, "Enabled", "aws_s3_bucket.Logs"],
      ["logs-bucket", true, "none", "none"],
    ]);
  });

  it("LVE-KMS-001: a key without rotation is an error", () => {
    const posture = check(({ key }) => {
      key.enableKeyRotation = false;
    });
    expect(summary(posture)).toEqual(["LVE-KMS-001 error aws_kms_key.Key"]);
  });

  it("LVE-KMS-001: asymmetric keys and replicas are not asked to rotate", () => {
    const posture = analyze((scope) => {
      new KmsKey(scope, "Signing", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });
      new KmsReplicaKey(scope, "Replica", { primaryKeyArn: "arn:aws:kms:us-east-1:111111111111:key/mrk-1234" });
    });
    expect(summary(posture)).toEqual([]);
  });

  it("LVE-KMS-001: rotation from a variable is a warning (cannot be checked)", () => {
    const posture = check(({ key }) => {
      key.enableKeyRotation = new TerraformVariable(key, "rotate", { type: "bool" }).booleanValue;
    });
    expect(summary(posture)).toEqual(["LVE-KMS-001 warning aws_kms_key.Key"]);
  });

  it("LVE-KMS-002: kms:* to a role is an error", () => {
    const posture = check(({ key }) => {
      key.policy = keyPolicy(rootStatement(), { Effect: "Allow", Principal: { AWS: [ROLE] }, Action: "kms:*", Resource: "*" });
    });
    expect(summary(posture)).toEqual(["LVE-KMS-002 error aws_kms_key.Key", "LVE-KMS-003 error aws_kms_key.Key"]);
    expect(posture.findings[0].message).toBe(`statement 2 allows kms:* to ${ROLE}`);
  });

  it("LVE-KMS-002: kms:* to the account root, written with interpolations or as an account ID, is fine", () => {
    const posture = check(({ key }) => {
      const root = "arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.c.account_id}:root";
      key.policy = keyPolicy({ ...rootStatement(), Principal: { AWS: [root, "222222222222"] } });
    });
    expect(summary(posture)).toEqual([]);
  });

  it('LVE-KMS-002: Principal "*" with kms:* is an error', () => {
    const posture = check(({ key }) => {
      key.policy = keyPolicy({ ...rootStatement(), Principal: "*" });
    });
    expect(summary(posture)).toEqual(["LVE-KMS-002 error aws_kms_key.Key", "LVE-KMS-003 error aws_kms_key.Key"]);
  });

  it.each([["kms:CreateGrant"], ["kms:Create*"], ["kms:*Grant"]])("LVE-KMS-003: %s without kms:GrantIsForAWSResource is an error", (action) => {
    const posture = check(({ key }) => {
      key.policy = keyPolicy(rootStatement(), {
        ...grantStatement({ StringEquals: { "kms:ViaService": "lookoutvision.us-east-1.amazonaws.com" } }),
        Action: action,
      });
    });
    expect(summary(posture)).toEqual(["LVE-KMS-003 error aws_kms_key.Key"]);
    expect(posture.findings[0].message).toBe(`statement Grants allows kms:CreateGrant to ${ROLE} without Bool kms:GrantIsForAWSResource = true`);
  });

  it("LVE-KMS-003: GrantIsForAWSResource written as a boolean or in another case counts", () => {
    const posture = check(({ key }) => {
      key.policy = keyPolicy(rootStatement(), grantStatement({ bool: { "KMS:GrantIsForAwsResource": true } }));
    });
    expect(summary(posture)).toEqual([]);
  });

  it("LVE-KMS-002/003: an aws_kms_key_policy replaces the key's own policy", () => {
    const posture = check(({ key }) => {
      new KmsKeyPolicy(key, "Policy", { keyId: key.id, policy: keyPolicy(rootStatement(), { ...grantStatement(), Action: "kms:*" }) });
    });
    expect(summary(posture)).toEqual(["LVE-KMS-002 error aws_kms_key.Key"]);
  });

  it("LVE-KMS-002/003: a key policy computed at plan time is a warning for both", () => {
    const posture = check(({ key }) => {
      key.policy = "${data.aws_iam_policy_document.key.json}";
    });
    expect(summary(posture)).toEqual(["LVE-KMS-002 warning aws_kms_key.Key", "LVE-KMS-003 warning aws_kms_key.Key"]);
  });

  it("LVE-KMS-004: a deletion window under 30 days is a warning", () => {
    const posture = check(({ key }) => {
      key.deletionWindowInDays = 7;
    });
    expect(summary(posture)).toEqual(["LVE-KMS-004 warning aws_kms_key.Key"]);
    expect(posture.findings[0].message).toBe("deletion_window_in_days is 7, under 30");
  });

  it("LVE-KMS-004: an unset deletion window is AWS's 30 days", () => {
    const posture = check(({ key }) => key.resetDeletionWindowInDays());
    expect(summary(posture)).toEqual([]);
    expect(posture.keys[0].deletionWindowInDays).toBeUndefined();
  });

  it("gives every finding its stack, construct path, message and the rule's fix", () => {
    const json = {
      resource: {
        aws_s3_bucket: { raw: { bucket: "raw", "//": { metadata: { path: "app/Raw/Bucket" } } } },
      },
    };
    const [first] = analyzeStack("prod", json).findings;
    expect(first).toEqual({
      rule: "LVE-S3-001",
      severity: "error",
      stack: "prod",
      address: "aws_s3_bucket.raw",
      constructPath: "app/Raw/Bucket",
      message: "no default encryption configuration (no aws_s3_bucket_server_side_encryption_configuration for this bucket)",
      fix: RULES["LVE-S3-001"].fix,
    });
  });

  it("marks findings suppressed by the resource's //.posture.suppressions, keeping the reason", () => {
    const json = {
      resource: {
        aws_s3_bucket: { raw: { bucket: "raw", "//": { posture: { suppressions: [{ rule: "LVE-S3-004", reason: "account-level block" }] } } } },
      },
    };
    const findings = analyzeStack("prod", json).findings;
    expect(findings.map((f) => [f.rule, f.suppressedBecause])).toEqual([
      ["LVE-S3-001", undefined],
      ["LVE-S3-004", "account-level block"],
      ["LVE-S3-005", undefined],
      ["LVE-S3-007", undefined],
      ["LVE-S3-008", undefined],
    ]);
  });

  it("has stable, documented rule ids", () => {
    expect(RULE_IDS).toEqual([
      "LVE-KMS-001",
      "LVE-KMS-002",
      "LVE-KMS-003",
      "LVE-KMS-004",
      "LVE-S3-001",
      "LVE-S3-002",
      "LVE-S3-003",
      "LVE-S3-004",
      "LVE-S3-005",
      "LVE-S3-006",
      "LVE-S3-007",
      "LVE-S3-008",
    ]);
  });
});
