import { App, Testing } from "cdktf";
import { STACKS } from "../main";
import { LookoutVisionKey } from "../modules/lookout-vision-key";
import { PolicyDocument } from "../modules/policies/policy-document";
import { onlyResource, resourcesOf, synth, SynthJson } from "./helpers";
import {
  ANONYMOUS,
  concretePolicy,
  Decision,
  evaluate,
  NamedPolicy,
  PolicySet,
  referenceValues,
  StackLocation,
  standInKeyId,
  substituteReferences,
  withoutStatements,
} from "./policy-simulator";

/**
 * How the example app's synthesized policies behave, evaluated by a real IAM policy evaluator
 * (@cloud-copilot/iam-simulate) on concrete ARNs: requests a user, an attacker or a mistake
 * would send, and the decision each gets.
 */

function synthExample(name: keyof typeof STACKS): SynthJson {
  const app: App = Testing.app();
  return JSON.parse(Testing.synth(new STACKS[name](app, name))) as SynthJson;
}

/** The stack's policies with every reference replaced by a concrete ARN or name. */
function examplePolicies(name: keyof typeof STACKS, where: StackLocation) {
  const json = synthExample(name);
  const values = referenceValues(json, where);
  const only = (type: string) => {
    const all = Object.values(resourcesOf(json, type));
    if (all.length !== 1) throw new Error(`expected one ${type} in ${name}, found ${all.length}`);
    return all[0];
  };
  return {
    json,
    values,
    bucketPolicy(bucketName: string): NamedPolicy {
      const policy = Object.values(resourcesOf(json, "aws_s3_bucket_policy")).find(
        (p) => substituteReferences(String(p.bucket), values) === bucketName,
      );
      return { name: "bucket policy", document: concretePolicy(policy?.policy, values) };
    },
    keyPolicy(type: "aws_kms_key" | "aws_kms_replica_key"): NamedPolicy {
      return { name: "key policy", document: concretePolicy(only(type).policy, values) };
    },
    keyArn(type: "aws_kms_key" | "aws_kms_replica_key"): string {
      return values.get(`${type}.${Object.keys(resourcesOf(json, type))[0]}.arn`) as string;
    },
    userPolicy(): NamedPolicy {
      return { name: "user policy", document: concretePolicy(only("aws_iam_policy").policy, values) };
    },
    /** The `key_policy_statements_for_key_owner` output: what a bring-your-own key's owner adds. */
    keyOwnerStatements(): NamedPolicy {
      const output = (json.output as Record<string, { value: string }>).key_policy_statements_for_key_owner;
      return { name: "key owner's policy", document: concretePolicy(output.value, values) };
    },
  };
}

const ACCOUNT = "111111111111";
const single = examplePolicies("lookout-vision-single-account", { partition: "aws", accountId: ACCOUNT });
const byo = examplePolicies("lookout-vision-bring-your-own-key", { partition: "aws", accountId: "333333333333" });
const multi = examplePolicies("lookout-vision-multi-region", { partition: "aws", accountId: "444444444444" });

const TRAINER = `arn:aws:iam::${ACCOUNT}:role/LookoutVisionTrainer`;
const KEY_ADMIN = `arn:aws:iam::${ACCOUNT}:role/KeyAdmin`;
const ACCOUNT_ADMIN = `arn:aws:iam::${ACCOUNT}:role/Administrator`;
const OUTSIDER = "arn:aws:iam::999999999999:role/Outsider";
const BYO_TRAINER = "arn:aws:iam::333333333333:role/LookoutVisionTrainer";
const MULTI_TRAINER = "arn:aws:iam::444444444444:role/LookoutVisionTrainer";

const CONSOLE_BUCKET = `lookoutvision-us-east-1-${ACCOUNT}`;
const OBJECT = { arn: `arn:aws:s3:::${CONSOLE_BUCKET}/projects/widgets/train/0001.jpg`, account: ACCOUNT };
/** The shared log bucket has a Terraform-generated name: the simulator stands in "<prefix>0000". */
const LOG_BUCKET = "lookout-vision-logs-0000";
const LOG_OBJECT = { arn: `arn:aws:s3:::${LOG_BUCKET}/console/2026-11-26-00-00-00-0123456789ABCDEF`, account: ACCOUNT };
const LOG_DELIVERY = "logging.s3.amazonaws.com";
const KEY = { arn: single.keyArn("aws_kms_key"), account: ACCOUNT };
const OTHER_KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b0b0b0b-1111-2222-3333-444455556666`;
const BYO_KEY = { arn: "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab", account: "222222222222" };
const REPLICA_KEY = { arn: multi.keyArn("aws_kms_replica_key"), account: "444444444444" };

/** An identity policy allowing everything, as AdministratorAccess does. */
const ADMINISTRATOR_ACCESS: NamedPolicy = {
  name: "AdministratorAccess",
  document: { Version: "2012-10-17", Statement: [{ Sid: "AllowEverything", Effect: "Allow", Action: ["*"], Resource: "*" }] },
};

const BUCKET_POLICY = single.bucketPolicy(CONSOLE_BUCKET);
const LOG_BUCKET_POLICY = { ...single.bucketPolicy(LOG_BUCKET), name: "log bucket policy" };
const KEY_POLICY = single.keyPolicy("aws_kms_key");
const USER_POLICY = single.userPolicy();
const with_ = (resource: NamedPolicy, ...identity: NamedPolicy[]): PolicySet => ({ resource, identity });

// Request context: what the caller's client sends (AWS adds the signer's keys itself, see `evaluate`).
const TLS_1_2 = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.2" };
const TLS_1_1 = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.1" };
const PLAIN_HTTP = { "aws:SecureTransport": "false" };
const SSE_S3 = { ...TLS_1_2, "s3:x-amz-server-side-encryption": "AES256" };
const SSE_KMS_OUR_KEY = { ...TLS_1_2, "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY.arn };
const SSE_KMS_OTHER_KEY = {
  ...TLS_1_2,
  "s3:x-amz-server-side-encryption": "aws:kms",
  "s3:x-amz-server-side-encryption-aws-kms-key-id": OTHER_KEY_ARN,
};
const SSE_C = { ...TLS_1_2, "s3:x-amz-server-side-encryption-customer-algorithm": "AES256" };
const VIA_S3 = { "kms:ViaService": "s3.us-east-1.amazonaws.com" };
const VIA_LOOKOUT_VISION = { "kms:ViaService": "lookoutvision.us-east-1.amazonaws.com" };
const DIRECT = {};

type Target = { readonly arn: string; readonly account: string };
type Context = Readonly<Record<string, string>>;
/** [case, principal, action, on, request context, policies evaluated, decision, deciding statements (`<policy>/<Sid>`; [] for implicit denials)] */
type Row = [string, string, string, Target, Context, PolicySet, Decision["result"], string[]];

const MATRIX: Row[] = [
  // Console bucket of the single-account stack: its bucket policy, and the user policy for signed requests.
  ["anonymous GetObject over TLS 1.2", ANONYMOUS, "s3:GetObject", OBJECT, TLS_1_2, with_(BUCKET_POLICY), "ImplicitlyDenied", []],
  [
    "S3 server access logging writes the console bucket's logs",
    LOG_DELIVERY,
    "s3:PutObject",
    LOG_OBJECT,
    { ...TLS_1_2, "aws:SourceArn": `arn:aws:s3:::${CONSOLE_BUCKET}`, "aws:SourceAccount": ACCOUNT },
    with_(LOG_BUCKET_POLICY),
    "Allowed",
    ["log bucket policy/AllowServerAccessLogDelivery"],
  ],
  [
    "S3 server access logging writes another bucket's logs",
    LOG_DELIVERY,
    "s3:PutObject",
    LOG_OBJECT,
    { ...TLS_1_2, "aws:SourceArn": "arn:aws:s3:::someone-elses-bucket", "aws:SourceAccount": "999999999999" },
    with_(LOG_BUCKET_POLICY),
    "ImplicitlyDenied",
    [],
  ],
  [
    "key user GetObject over TLS 1.2",
    TRAINER,
    "s3:GetObject",
    OBJECT,
    TLS_1_2,
    with_(BUCKET_POLICY, USER_POLICY),
    "Allowed",
    ["user policy/ReadWriteDataObjects"],
  ],
  [
    "key user GetObject without TLS",
    TRAINER,
    "s3:GetObject",
    OBJECT,
    PLAIN_HTTP,
    with_(BUCKET_POLICY, USER_POLICY),
    "ExplicitlyDenied",
    ["bucket policy/DenyInsecureTransport"],
  ],
  [
    "key user PutObject over TLS 1.1",
    TRAINER,
    "s3:PutObject",
    OBJECT,
    TLS_1_1,
    with_(BUCKET_POLICY, USER_POLICY),
    "ExplicitlyDenied",
    ["bucket policy/DenyOutdatedTls"],
  ],
  [
    "key user PutObject with the SSE-S3 header",
    TRAINER,
    "s3:PutObject",
    OBJECT,
    SSE_S3,
    with_(BUCKET_POLICY, USER_POLICY),
    "ExplicitlyDenied",
    ["bucket policy/DenyNonKmsEncryptionHeader"],
  ],
  [
    "key user PutObject with SSE-KMS and another key",
    TRAINER,
    "s3:PutObject",
    OBJECT,
    SSE_KMS_OTHER_KEY,
    with_(BUCKET_POLICY, USER_POLICY),
    "ExplicitlyDenied",
    ["bucket policy/DenyOtherKmsKey"],
  ],
  [
    "key user PutObject with SSE-C",
    TRAINER,
    "s3:PutObject",
    OBJECT,
    SSE_C,
    with_(BUCKET_POLICY, USER_POLICY),
    "ExplicitlyDenied",
    ["bucket policy/DenySseC"],
  ],
  [
    "key user PutObject with no encryption header (default encryption applies)",
    TRAINER,
    "s3:PutObject",
    OBJECT,
    TLS_1_2,
    with_(BUCKET_POLICY, USER_POLICY),
    "Allowed",
    ["user policy/ReadWriteDataObjects"],
  ],
  [
    "key user PutObject with SSE-KMS and our key",
    TRAINER,
    "s3:PutObject",
    OBJECT,
    SSE_KMS_OUR_KEY,
    with_(BUCKET_POLICY, USER_POLICY),
    "Allowed",
    ["user policy/ReadWriteDataObjects"],
  ],
  [
    "key user PutObject with SSE-KMS naming our key by key ID, not ARN",
    TRAINER,
    "s3:PutObject",
    OBJECT,
    { ...SSE_KMS_OUR_KEY, "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY.arn.split("/")[1] },
    with_(BUCKET_POLICY, USER_POLICY),
    "ExplicitlyDenied",
    ["bucket policy/DenyOtherKmsKey"],
  ],
  [
    "another account's administrator GetObject",
    OUTSIDER,
    "s3:GetObject",
    OBJECT,
    TLS_1_2,
    with_(BUCKET_POLICY, ADMINISTRATOR_ACCESS),
    "ImplicitlyDenied",
    [],
  ],

  // The key of the single-account stack: key policy alone (principals it names), then with the user policy (root statement delegates to IAM).
  [
    "key user Decrypt via S3, key policy only",
    TRAINER,
    "kms:Decrypt",
    KEY,
    VIA_S3,
    with_(KEY_POLICY),
    "Allowed",
    ["key policy/AllowDataUseOnlyViaServices"],
  ],
  [
    "key user Decrypt via S3, with the user policy",
    TRAINER,
    "kms:Decrypt",
    KEY,
    VIA_S3,
    with_(KEY_POLICY, USER_POLICY),
    "Allowed",
    ["key policy/AllowDataUseOnlyViaServices", "key policy/EnableIamPoliciesOfAccount", "user policy/AllowDataUseOnlyViaServices"],
  ],
  [
    "key user GenerateDataKey via Lookout for Vision",
    TRAINER,
    "kms:GenerateDataKey",
    KEY,
    VIA_LOOKOUT_VISION,
    with_(KEY_POLICY),
    "Allowed",
    ["key policy/AllowDataUseOnlyViaServices"],
  ],
  ["key user Decrypt directly, key policy only", TRAINER, "kms:Decrypt", KEY, DIRECT, with_(KEY_POLICY), "ImplicitlyDenied", []],
  ["key user Decrypt directly, with the user policy", TRAINER, "kms:Decrypt", KEY, DIRECT, with_(KEY_POLICY, USER_POLICY), "ImplicitlyDenied", []],
  [
    "key user CreateGrant via Lookout for Vision for an AWS resource",
    TRAINER,
    "kms:CreateGrant",
    KEY,
    { ...VIA_LOOKOUT_VISION, "kms:GrantIsForAWSResource": "true" },
    with_(KEY_POLICY),
    "Allowed",
    ["key policy/AllowGrantsOnlyViaServiceForAwsResources"],
  ],
  [
    "same, with the user policy",
    TRAINER,
    "kms:CreateGrant",
    KEY,
    { ...VIA_LOOKOUT_VISION, "kms:GrantIsForAWSResource": "true" },
    with_(KEY_POLICY, USER_POLICY),
    "Allowed",
    [
      "key policy/AllowGrantsOnlyViaServiceForAwsResources",
      "key policy/EnableIamPoliciesOfAccount",
      "user policy/AllowGrantsOnlyViaServiceForAwsResources",
    ],
  ],
  [
    "key user CreateGrant via Lookout for Vision, not for an AWS resource",
    TRAINER,
    "kms:CreateGrant",
    KEY,
    { ...VIA_LOOKOUT_VISION, "kms:GrantIsForAWSResource": "false" },
    with_(KEY_POLICY, USER_POLICY),
    "ImplicitlyDenied",
    [],
  ],
  ["key user CreateGrant directly", TRAINER, "kms:CreateGrant", KEY, DIRECT, with_(KEY_POLICY, USER_POLICY), "ImplicitlyDenied", []],
  [
    "key user CreateGrant via S3 for an AWS resource",
    TRAINER,
    "kms:CreateGrant",
    KEY,
    { ...VIA_S3, "kms:GrantIsForAWSResource": "true" },
    with_(KEY_POLICY, USER_POLICY),
    "ImplicitlyDenied",
    [],
  ],
  ["key user DescribeKey, key policy only", TRAINER, "kms:DescribeKey", KEY, DIRECT, with_(KEY_POLICY), "Allowed", ["key policy/AllowDescribeKey"]],
  [
    "key user DescribeKey, with the user policy",
    TRAINER,
    "kms:DescribeKey",
    KEY,
    DIRECT,
    with_(KEY_POLICY, USER_POLICY),
    "Allowed",
    ["key policy/AllowDescribeKey", "key policy/EnableIamPoliciesOfAccount", "user policy/AllowDescribeKey"],
  ],
  ["key user ScheduleKeyDeletion, key policy only", TRAINER, "kms:ScheduleKeyDeletion", KEY, DIRECT, with_(KEY_POLICY), "ImplicitlyDenied", []],
  [
    "key user ScheduleKeyDeletion, with the user policy",
    TRAINER,
    "kms:ScheduleKeyDeletion",
    KEY,
    DIRECT,
    with_(KEY_POLICY, USER_POLICY),
    "ImplicitlyDenied",
    [],
  ],
  ["key administrator Decrypt via S3", KEY_ADMIN, "kms:Decrypt", KEY, VIA_S3, with_(KEY_POLICY), "ImplicitlyDenied", []],
  ["key administrator CreateGrant directly", KEY_ADMIN, "kms:CreateGrant", KEY, DIRECT, with_(KEY_POLICY), "ImplicitlyDenied", []],
  // Administrators manage the key policy itself, so they are trusted not to grant themselves data use.
  ["key administrator PutKeyPolicy", KEY_ADMIN, "kms:PutKeyPolicy", KEY, DIRECT, with_(KEY_POLICY), "Allowed", ["key policy/AllowKeyAdministration"]],
  [
    "key administrator ScheduleKeyDeletion",
    KEY_ADMIN,
    "kms:ScheduleKeyDeletion",
    KEY,
    DIRECT,
    with_(KEY_POLICY),
    "Allowed",
    ["key policy/AllowKeyAdministration"],
  ],
  [
    "another account's administrator Decrypt via S3",
    OUTSIDER,
    "kms:Decrypt",
    KEY,
    VIA_S3,
    with_(KEY_POLICY, ADMINISTRATOR_ACCESS),
    "ImplicitlyDenied",
    [],
  ],
  // The root statement's documented trade-off: IAM policies of the key's own account count.
  [
    "the account's IAM administrator Decrypt directly",
    ACCOUNT_ADMIN,
    "kms:Decrypt",
    KEY,
    DIRECT,
    with_(KEY_POLICY, ADMINISTRATOR_ACCESS),
    "Allowed",
    ["AdministratorAccess/AllowEverything", "key policy/EnableIamPoliciesOfAccount"],
  ],

  // Bring-your-own key: the owner adds the output's statements; cross-account use needs the user policy too.
  [
    "workload key user Decrypt via S3 with the owner's statements and the user policy",
    BYO_TRAINER,
    "kms:Decrypt",
    BYO_KEY,
    VIA_S3,
    with_(byo.keyOwnerStatements(), byo.userPolicy()),
    "Allowed",
    ["key owner's policy/AllowDataUseOnlyViaServices", "user policy/AllowDataUseOnlyViaServices"],
  ],
  [
    "workload key user Decrypt via S3 without the user policy",
    BYO_TRAINER,
    "kms:Decrypt",
    BYO_KEY,
    VIA_S3,
    with_(byo.keyOwnerStatements()),
    "ImplicitlyDenied",
    [],
  ],
  [
    "workload key user Decrypt directly",
    BYO_TRAINER,
    "kms:Decrypt",
    BYO_KEY,
    DIRECT,
    with_(byo.keyOwnerStatements(), byo.userPolicy()),
    "ImplicitlyDenied",
    [],
  ],

  // Multi-region: the replica's policy names the services of the replica's region.
  [
    "replica key: key user Decrypt via S3 in eu-west-1",
    MULTI_TRAINER,
    "kms:Decrypt",
    REPLICA_KEY,
    { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
    with_(multi.keyPolicy("aws_kms_replica_key")),
    "Allowed",
    ["key policy/AllowDataUseOnlyViaServices"],
  ],
  [
    "replica key: key user Decrypt via S3 of the primary's region",
    MULTI_TRAINER,
    "kms:Decrypt",
    REPLICA_KEY,
    VIA_S3,
    with_(multi.keyPolicy("aws_kms_replica_key")),
    "ImplicitlyDenied",
    [],
  ],
];

/** The decision's deciding statements, as the table lists them. */
function deciding(decision: Decision): string[] {
  if (decision.result === "Allowed") return decision.allowedBy;
  if (decision.result === "ExplicitlyDenied") return decision.deniedBy;
  return [];
}

function request(principal: string, action: string, on: Target, context: Context) {
  return { principal, action, resource: on.arn, resourceAccount: on.account, context };
}

/** The same policies, less the statements named `<policy name>/<Sid>`. */
function without(policies: PolicySet, statements: string[]): PolicySet {
  const strip = (policy: NamedPolicy): NamedPolicy => ({
    ...policy,
    document: withoutStatements(
      policy.document,
      statements.filter((s) => s.startsWith(`${policy.name}/`)).map((s) => s.slice(policy.name.length + 1)),
    ),
  });
  return { resource: policies.resource && strip(policies.resource), identity: policies.identity.map(strip) };
}

describe("policy behaviour of the example app (IAM policy evaluator)", () => {
  it.each(MATRIX)("%s", async (_case, principal, action, on, context, policies, result, by) => {
    const decision = await evaluate(request(principal, action, on, context), policies);
    expect({ result: decision.result, by: deciding(decision) }).toEqual({ result, by });
  });

  // Each named statement decides its case: without it the decision flips. So no row passes by accident.
  it.each(MATRIX.filter(([, , , , , , , by]) => by.length > 0))(
    "%s: flips without its deciding statements",
    async (_case, principal, action, on, context, policies, result, by) => {
      const decision = await evaluate(request(principal, action, on, context), without(policies, by));
      expect(decision.result).toBe(result === "Allowed" ? "ImplicitlyDenied" : "Allowed");
    },
  );

  it("covers every statement of the single-account key policy, bucket policy and user policy", () => {
    const decidingSids = new Set(MATRIX.flatMap(([, , , , , , , by]) => by));
    const all = (policy: NamedPolicy) => policy.document.Statement.map((s) => `${policy.name}/${s.Sid}`);
    const untested = [...all(KEY_POLICY), ...all(BUCKET_POLICY), ...all(USER_POLICY)].filter((s) => !decidingSids.has(s));
    // The user policy's service and bucket-listing statements are outside the encryption matrix.
    expect(untested).toEqual(["user policy/UseService", "user policy/ListDataBuckets"]);
  });
});

describe("policy behaviour without the account root statement (allowAccountRootAccess: false)", () => {
  const { json } = synth((scope) => {
    new LookoutVisionKey(scope, "Key", {
      region: "us-east-1",
      accountId: ACCOUNT,
      partition: "aws",
      allowAccountRootAccess: false,
      administratorArns: [KEY_ADMIN],
      keyUserArns: [TRAINER],
    });
  });
  const values = referenceValues(json, { partition: "aws", accountId: ACCOUNT });
  const keyPolicy: NamedPolicy = { name: "key policy", document: concretePolicy(onlyResource(json, "aws_kms_key").policy, values) };
  const key = { arn: values.get(`aws_kms_key.${Object.keys(resourcesOf(json, "aws_kms_key"))[0]}.arn`) as string, account: ACCOUNT };

  it("stops the account's IAM administrator from decrypting", async () => {
    expect((await evaluate(request(ACCOUNT_ADMIN, "kms:Decrypt", key, DIRECT), with_(keyPolicy, ADMINISTRATOR_ACCESS))).result).toBe(
      "ImplicitlyDenied",
    );
  });

  it("still lets the key user decrypt via S3", async () => {
    expect(await evaluate(request(TRAINER, "kms:Decrypt", key, VIA_S3), with_(keyPolicy))).toMatchObject({
      result: "Allowed",
      allowedBy: ["key policy/AllowDataUseOnlyViaServices"],
    });
  });
});

describe("concrete ARNs for synthesized references", () => {
  const where = { partition: "aws", accountId: ACCOUNT };

  it("maps each bucket's references to its literal name and ARN", () => {
    const [name] = Object.entries(resourcesOf(single.json, "aws_s3_bucket")).find(([, b]) => b.bucket === CONSOLE_BUCKET) ?? [];
    expect(single.values.get(`aws_s3_bucket.${name}.arn`)).toBe(`arn:aws:s3:::${CONSOLE_BUCKET}`);
    expect(single.values.get(`aws_s3_bucket.${name}.id`)).toBe(CONSOLE_BUCKET);
  });

  it("builds key ARNs from the key's region and the stack's account, with a stable stand-in key ID", () => {
    const [name] = Object.keys(resourcesOf(single.json, "aws_kms_key"));
    expect(KEY.arn).toBe(`arn:aws:kms:us-east-1:${ACCOUNT}:key/${standInKeyId(name, false)}`);
    expect(KEY.arn).toMatch(/^arn:aws:kms:us-east-1:111111111111:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(referenceValues(single.json, where).get(`aws_kms_key.${name}.arn`)).toBe(KEY.arn);
  });

  it("gives a replica its primary's mrk- key ID in the replica's region", () => {
    const primary = multi.keyArn("aws_kms_key");
    expect(primary).toMatch(/^arn:aws:kms:us-east-1:444444444444:key\/mrk-[0-9a-f]{32}$/);
    expect(REPLICA_KEY.arn).toBe(primary.replace("us-east-1", "eu-west-1"));
  });

  it("replaces every reference in a policy and refuses to guess one it does not know", () => {
    expect(JSON.stringify(BUCKET_POLICY.document)).not.toContain("${");
    expect(JSON.stringify(KEY_POLICY.document)).not.toContain("${");
    expect(substituteReferences("${a.b.arn}/*", new Map([["a.b.arn", "arn:aws:s3:::x"]]))).toBe("arn:aws:s3:::x/*");
    expect(() => substituteReferences('${element(split(":", var.role), 4)}', new Map())).toThrow(
      'no concrete value for ${element(split(":", var.role), 4)}',
    );
  });

  it("refuses a resource whose name is not literal", () => {
    const json: SynthJson = { resource: { aws_s3_bucket: { b: { bucket: "${var.name}" } } } };
    expect(() => referenceValues(json, where)).toThrow('aws_s3_bucket.b.bucket is not a literal: "${var.name}"');
  });
});

describe("the evaluator", () => {
  const doc = (document: PolicyDocument): NamedPolicy => ({ name: "test", document });

  it("rejects a context key that does not apply to the action, so no case tests nothing", async () => {
    await expect(evaluate(request(TRAINER, "kms:Decrypt", KEY, { "s3:TlsVersion": "1.2" }), with_(KEY_POLICY))).rejects.toThrow(
      "context keys not applicable to kms:Decrypt: s3:TlsVersion",
    );
  });

  it("rejects a malformed policy instead of evaluating it", async () => {
    const broken = doc({
      Version: "2012-10-17",
      Statement: [{ Sid: "Broken", Effect: "Permit" as "Allow", Action: ["kms:Decrypt"], Resource: "*" }],
    });
    await expect(evaluate(request(TRAINER, "kms:Decrypt", KEY, VIA_S3), { resource: KEY_POLICY, identity: [broken] })).rejects.toThrow(/did not run/);
  });
});
