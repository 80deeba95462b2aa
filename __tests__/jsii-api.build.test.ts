import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { EncryptedBucket } from "../modules/encrypted-bucket";
import { LookoutVisionEncryption } from "../modules/lookout-vision-encryption";
import { encryptedBucketPolicy } from "../modules/policies/bucket-policy";
import { keyPolicy } from "../modules/policies/key-policy";
import { Policies } from "../modules/policies/policies";
import { userPolicy } from "../modules/policies/user-policy";
import { LOOKOUT_FOR_VISION, REKOGNITION_CUSTOM_LABELS, ServiceProfiles } from "../modules/service-profile";
import { buildAssembly } from "../tools/jsii-build";
import { writeApiDocs } from "../tools/jsii-docs";
import { parsePolicy, resourcesOf, synth } from "./helpers";

/** The members other languages use where TypeScript has functions, constants and IAM-shaped objects. */

const ENV = { region: "us-east-1", accountId: "111111111111", partition: "aws" };
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TRAINER = "arn:aws:iam::111111111111:role/Trainer";
const ROOT = join(__dirname, "..");

function withBucket(use: (bucket: EncryptedBucket) => void) {
  return synth((scope: Construct) => use(new EncryptedBucket(scope, "Data", { ...ENV, encryptionKey: KEY_ARN, bucketName: "vision-data-bucket" })));
}

describe("EncryptedBucket policy as JSON", () => {
  it("policyJson is the policy as synthesized", () => {
    const out = withBucket((bucket) => new TerraformOutput(bucket, "PolicyJson", { value: bucket.policyJson }));
    const [policy] = Object.values(resourcesOf(out.json, "aws_s3_bucket_policy"));
    const [output] = Object.values((out.json as { output?: Record<string, { value: unknown }> }).output ?? {});
    expect(output.value).toBe(policy.policy);
    expect(parsePolicy(output.value).Statement.map((s) => s.Sid)).toContain("DenySseC");
  });

  it("addToResourcePolicyJson appends the statement after ours, in IAM's spelling", () => {
    const added = {
      Sid: "AllowAuditRead",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::111111111111:role/Audit"] },
      Action: ["s3:GetObject"],
      Resource: "*",
    };
    const out = withBucket((bucket) => bucket.addToResourcePolicyJson(JSON.stringify(added)));
    const [policy] = Object.values(resourcesOf(out.json, "aws_s3_bucket_policy"));
    const statements = parsePolicy(policy.policy).Statement;
    expect(statements[statements.length - 1]).toEqual(added);
  });

  it.each([
    [
      "not JSON",
      "{Sid: AllowX}",
      'EncryptedBucket: addToResourcePolicyJson(statementJson) must be JSON text of one IAM policy statement, got "{Sid: AllowX}"',
    ],
    ["a list", "[]", 'EncryptedBucket: addToResourcePolicyJson(statementJson) must be JSON text of one IAM policy statement (an object), got "[]"'],
    ["one of our Sids", '{"Sid":"DenySseC"}', "EncryptedBucket: addToResourcePolicy(statement).Sid must be alphanumeric and none of"],
  ])("addToResourcePolicyJson rejects %s", (_case, text, message) => {
    expect(() => withBucket((bucket) => bucket.addToResourcePolicyJson(text))).toThrow(message);
  });
});

describe("LookoutVisionEncryption policies as JSON", () => {
  it("userPolicyJson and keyPolicyStatementsForKeyOwnerJson are the documents' JSON", () => {
    let encryption: LookoutVisionEncryption | undefined;
    synth((scope) => {
      encryption = new LookoutVisionEncryption(scope, "E", { ...ENV, key: { existingKeyArn: KEY_ARN }, keyUserArns: [TRAINER] });
    });
    expect(JSON.parse(encryption!.userPolicyJson)).toEqual(encryption!.userPolicyDocument);
    expect(JSON.parse(encryption!.keyPolicyStatementsForKeyOwnerJson)).toEqual(encryption!.keyPolicyStatementsForKeyOwner);
  });
});

describe("static members for other languages", () => {
  it("ServiceProfiles holds the profile constants", () => {
    expect(ServiceProfiles.LOOKOUT_FOR_VISION).toBe(LOOKOUT_FOR_VISION);
    expect(ServiceProfiles.REKOGNITION_CUSTOM_LABELS).toBe(REKOGNITION_CUSTOM_LABELS);
  });

  it("Policies returns each builder's document as JSON", () => {
    const key = {
      accountRootArn: "arn:aws:iam::111111111111:root",
      administratorArns: [],
      keyUserArns: [TRAINER],
      serviceEndpoint: "lookoutvision.us-east-1.amazonaws.com",
      dataServiceEndpoints: ["s3.us-east-1.amazonaws.com"],
      callerAccounts: ["111111111111"],
    };
    expect(JSON.parse(Policies.keyPolicyJson(key))).toEqual(keyPolicy(key));
    const bucket = { bucketArn: "arn:aws:s3:::b", keyArn: KEY_ARN, enforceTls: true, minimumTlsVersion: "1.2" };
    expect(JSON.parse(Policies.encryptedBucketPolicyJson(bucket))).toEqual(encryptedBucketPolicy(bucket));
    const user = {
      keyArn: KEY_ARN,
      serviceEndpoint: "lookoutvision.us-east-1.amazonaws.com",
      dataServiceEndpoints: ["s3.us-east-1.amazonaws.com"],
      serviceActions: ["lookoutvision:*"],
      bucketArns: ["arn:aws:s3:::b"],
    };
    expect(JSON.parse(Policies.userPolicyJson(user))).toEqual(userPolicy(user));
  });
});

describe("the jsii assembly", () => {
  const assembly = (() => {
    process.env.JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION = "1";
    return JSON.parse(readFileSync(buildAssembly("pipe"), "utf8")) as {
      types: Record<string, { interfaces?: string[]; properties?: { name: string }[]; methods?: { name: string; static?: boolean }[] }>;
    };
  })();
  const type = (name: string) => assembly.types[`cdktf-lookout-vision-encryption.${name}`];

  it("compiles, with the constructs, the profiles and the policy builders", () => {
    for (const name of [
      "LookoutVisionEncryption",
      "LookoutVisionKey",
      "EncryptedBucket",
      "ConsoleBucket",
      "OutputBucket",
      "AccessLogBucket",
      "ServiceProfiles",
      "Policies",
      "LookoutVisionKeyOptions",
      "EncryptedBucketOptions",
    ]) {
      expect(type(name)).toBeDefined();
    }
    expect(
      type("Policies")
        .methods?.map((m) => m.name)
        .sort(),
    ).toEqual(["encryptedBucketPolicyJson", "keyPolicyJson", "userPolicyJson"]);
  });

  it("holds the encryption posture check, with suppress as a static member", () => {
    expect(type("EncryptionPosture").interfaces).toEqual(["cdktf.IAspect"]);
    expect(
      type("EncryptionPosture")
        .methods?.map((m) => `${m.static ? "static " : ""}${m.name}`)
        .sort(),
    ).toEqual(["static suppress", "visit"]);
  });

  it("leaves out the TypeScript-only parts: the IAM-shaped types", () => {
    for (const name of ["PolicyStatement", "PolicyDocument", "OutputConfig"]) expect(type(name)).toBeUndefined();
    expect(type("EncryptedBucket").properties?.map((p) => p.name)).toContain("policyJson");
    expect(type("EncryptedBucket").properties?.map((p) => p.name)).not.toContain("policyDocument");
  });

  it("python/API.md is what jsii-docgen generates from it (`npm run docs:api` regenerates)", () => {
    const dir = mkdtempSync(join(tmpdir(), "api-docs-"));
    try {
      writeApiDocs(join(dir, "API.md"), "pipe");
      expect(readFileSync(join(ROOT, "python", "API.md"), "utf8")).toBe(readFileSync(join(dir, "API.md"), "utf8"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
