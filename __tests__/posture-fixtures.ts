import { Testing } from "cdktf";
import { Construct } from "constructs";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { StackPosture, analyzeStack } from "../modules/posture/analyze";
import { ScanResults } from "../cli/posture-report/scan-results";
import { TerraformJson } from "../modules/private/terraform-json";

/**
 * Hand-written resources (provider classes, none of our constructs) that pass every rule;
 * each rule test breaks one thing.
 */
export const ROOT = "arn:aws:iam::111111111111:root";
export const ROLE = "arn:aws:iam::111111111111:role/Trainer";

export function rootStatement(): object {
  return { Sid: "Root", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" };
}

export function grantStatement(condition: object = { Bool: { "kms:GrantIsForAWSResource": "true" } }): object {
  return { Sid: "Grants", Effect: "Allow", Principal: { AWS: [ROLE] }, Action: ["kms:CreateGrant"], Resource: "*", Condition: condition };
}

export function handWrittenKey(scope: Construct, id = "Key"): KmsKey {
  return new KmsKey(scope, id, {
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [rootStatement(), grantStatement()] }),
  });
}

export function tlsDenyStatement(bucket: S3Bucket, resources: string[] = [bucket.arn, `${bucket.arn}/*`]): object {
  return { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { Bool: { "aws:SecureTransport": "false" } } };
}

export interface HandWrittenBucket {
  readonly bucket: S3Bucket;
  readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly policy: S3BucketPolicy;
  readonly versioning: S3BucketVersioningA;
  /** Into a log bucket outside the stack, named literally. */
  readonly logging: S3BucketLoggingA;
}

export function handWrittenBucket(scope: Construct, id: string, key: KmsKey): HandWrittenBucket {
  const bucket = new S3Bucket(scope, id, { bucket: `${id.toLowerCase()}-bucket` });
  return {
    bucket,
    encryption: new S3BucketServerSideEncryptionConfigurationA(scope, `${id}Encryption`, {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    }),
    publicAccessBlock: new S3BucketPublicAccessBlock(scope, `${id}PublicAccessBlock`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
    policy: new S3BucketPolicy(scope, `${id}Policy`, {
      bucket: bucket.id,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsDenyStatement(bucket)] }),
    }),
    versioning: new S3BucketVersioningA(scope, `${id}Versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }),
    logging: new S3BucketLoggingA(scope, `${id}Logging`, { bucket: bucket.id, targetBucket: "central-access-logs", targetPrefix: `${id}/` }),
  };
}

/** Synthesizes what `build` adds to a test stack and checks it. */
export function analyze(build: (scope: Construct) => void): StackPosture {
  return analyzeStack("stack", JSON.parse(Testing.synthScope(build)) as TerraformJson);
}

/** Findings as `rule severity address` lines: short to compare, and naming what matters. */
export function summary(posture: StackPosture): string[] {
  return posture.findings.map((f) => `${f.rule} ${f.severity}${f.suppressedBecause !== undefined ? " suppressed" : ""} ${f.address}`);
}

/** A checkov scan: a stack with one failure and one skip, and a module checkov checked nothing in. */
export function sampleScan(): ScanResults {
  const file = "cdktf.out/stacks/s/cdk.tf.json";
  return {
    checkovVersion: "3.3.30",
    targets: [
      {
        name: "stack s",
        path: "cdktf.out/stacks/s",
        digest: "d1",
        checks: ["CKV_AWS_18", "CKV_AWS_21"],
        passed: 7,
        failed: [{ check: "CKV_AWS_18", title: "Ensure the S3 bucket has access logging enabled", resource: "aws_s3_bucket.data", file }],
        skipped: [
          { check: "CKV_AWS_21", title: "Ensure versioning", resource: "aws_s3_bucket.logs", file, reason: "logs | expire", by: "skip table" },
        ],
      },
      {
        name: "module",
        path: "dist/terraform-module",
        digest: "d2",
        checks: [],
        passed: 0,
        failed: [],
        skipped: [],
        error: "checkov checked nothing",
      },
    ],
  };
}
