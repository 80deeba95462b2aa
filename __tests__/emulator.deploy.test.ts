import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ReplicateKeyCommand,
} from "@aws-sdk/client-kms";
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  PutBucketEncryptionCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { Emulator, startEmulator } from "../tools/emulator";
import { clients, Clients } from "./emulator";

// Each patch the launcher (tools/emulator/launcher.py) applies to moto, proven through the AWS
// SDK against a patched emulator; the same calls against moto as installed show the gap, so a
// moto release that closes one shows here as a failing "unpatched" case.

// Calls through the proxy on a loaded 2-core machine: seconds, not milliseconds.
jest.setTimeout(60_000);

const ACCOUNT = "111111111111";
let patched: { emulator: Emulator; aws: Clients };
let unpatched: { emulator: Emulator; aws: Clients };

beforeAll(async () => {
  const [withPatches, without] = await Promise.all([startEmulator({ account: ACCOUNT }), startEmulator({ account: ACCOUNT, patches: false })]);
  patched = { emulator: withPatches, aws: clients(withPatches) };
  unpatched = { emulator: without, aws: clients(without) };
}, 120_000);

afterAll(async () => {
  await Promise.all([patched?.emulator.stop(), unpatched?.emulator.stop()]);
});

const LOGGING_POLICY = (bucket: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "AllowLogDelivery",
        Effect: "Allow",
        Principal: { Service: ["logging.s3.amazonaws.com"] },
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ],
  });

async function enableLogging(aws: Clients, suffix: string): Promise<void> {
  const s3 = aws.s3();
  await s3.send(new CreateBucketCommand({ Bucket: `logs-${suffix}` }));
  await s3.send(new CreateBucketCommand({ Bucket: `data-${suffix}` }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: `logs-${suffix}`, Policy: LOGGING_POLICY(`logs-${suffix}`) }));
  await s3.send(
    new PutBucketLoggingCommand({
      Bucket: `data-${suffix}`,
      BucketLoggingStatus: { LoggingEnabled: { TargetBucket: `logs-${suffix}`, TargetPrefix: "" } },
    }),
  );
}

async function blockedEncryptionTypes(aws: Clients, bucket: string): Promise<unknown> {
  const s3 = aws.s3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "arn:aws:kms:us-east-1:111111111111:key/k" },
            BucketKeyEnabled: true,
            BlockedEncryptionTypes: { EncryptionType: ["SSE-C"] },
          },
        ],
      },
    }),
  );
  const read = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
  return read.ServerSideEncryptionConfiguration?.Rules?.[0]?.BlockedEncryptionTypes;
}

async function tagsGivenAtCreate(aws: Clients, bucket: string): Promise<unknown> {
  const s3 = aws.s3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { Tags: [{ Key: "project", Value: "lookout-vision" }] } }));
  try {
    return (await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet;
  } catch (error) {
    return (error as Error).name;
  }
}

async function rotationPeriods(aws: Clients): Promise<unknown[]> {
  const kms = aws.kms();
  const periods = [];
  for (const period of [200, undefined]) {
    const key = await kms.send(new CreateKeyCommand({}));
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyMetadata!.KeyId, RotationPeriodInDays: period }));
    periods.push((await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyMetadata!.KeyId }))).RotationPeriodInDays);
  }
  return periods;
}

const REPLICA_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" }],
});

async function replica(aws: Clients) {
  const primaryKms = aws.kms("us-east-1");
  const replicaKms = aws.kms("eu-west-1");
  const primary = (await primaryKms.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!;
  await primaryKms.send(
    new ReplicateKeyCommand({
      KeyId: primary.KeyId,
      ReplicaRegion: "eu-west-1",
      Policy: REPLICA_POLICY,
      Description: "replica",
      Tags: [{ TagKey: "role", TagValue: "replica" }],
    }),
  );
  const replicaKey = (await replicaKms.send(new DescribeKeyCommand({ KeyId: primary.KeyId }))).KeyMetadata!;
  return {
    primaryArn: primary.Arn,
    replica: replicaKey,
    primaryAfter: (await primaryKms.send(new DescribeKeyCommand({ KeyId: primary.KeyId }))).KeyMetadata!,
    replicaPolicy: (await replicaKms.send(new GetKeyPolicyCommand({ KeyId: primary.KeyId, PolicyName: "default" }))).Policy,
    replicaTags: (await replicaKms.send(new ListResourceTagsCommand({ KeyId: primary.KeyId }))).Tags,
    aliasOfTheSameName: await Promise.all([
      primaryKms.send(new CreateAliasCommand({ AliasName: "alias/same-name", TargetKeyId: primary.KeyId })),
      replicaKms.send(new CreateAliasCommand({ AliasName: "alias/same-name", TargetKeyId: replicaKey.Arn })),
    ]).then(
      () => "created in both regions",
      (error: Error) => error.name,
    ),
  };
}

async function multiRegionFlag(aws: Clients): Promise<unknown> {
  const key = await aws.kms().send(new CreateKeyCommand({}));
  return (await aws.kms().send(new DescribeKeyCommand({ KeyId: key.KeyMetadata!.KeyId }))).KeyMetadata?.MultiRegion;
}

/** A bucket whose policy has a conditional Deny (it does not apply here) and an unconditional one for `denied/`. */
async function putsUnderConditionalDeny(aws: Clients, bucket: string): Promise<string[]> {
  const s3 = aws.s3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const arn = `arn:aws:s3:::${bucket}`;
  const statements = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [arn, `${arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    { Sid: "DenyDeniedPrefix", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `${arn}/denied/*` },
  ];
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
  const put = (key: string) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" })).then(
      () => `${key}: stored`,
      (error: { $metadata?: { httpStatusCode?: number } }) => `${key}: ${error.$metadata?.httpStatusCode}`,
    );
  return [await put("allowed/a.txt"), await put("denied/a.txt")];
}

describe("emulator patches (tools/emulator/launcher.py)", () => {
  it("applies every patch, by name", () => {
    expect(patched.emulator.patches).toEqual([
      "s3-logging-policy-principals",
      "s3-blocked-encryption-types",
      "s3-create-bucket-tags",
      "kms-rotation-period",
      "kms-replica-key",
      "kms-multi-region-flag",
      "iam-conditions",
    ]);
    expect(unpatched.emulator.patches).toEqual([]);
  });

  it('s3-logging-policy-principals: a log bucket policy with a Principal "*" statement and a list of services lets logging be enabled', async () => {
    await expect(enableLogging(patched.aws, "patched")).resolves.toBeUndefined();
    await expect(enableLogging(unpatched.aws, "unpatched")).rejects.toThrow();
  });

  it("s3-blocked-encryption-types: GetBucketEncryption returns the BlockedEncryptionTypes that were put", async () => {
    expect(await blockedEncryptionTypes(patched.aws, "blocked-patched")).toEqual({ EncryptionType: ["SSE-C"] });
    expect(await blockedEncryptionTypes(unpatched.aws, "blocked-unpatched")).toBeUndefined();
  });

  it("s3-create-bucket-tags: tags given to CreateBucket are stored", async () => {
    expect(await tagsGivenAtCreate(patched.aws, "tags-patched")).toEqual([{ Key: "project", Value: "lookout-vision" }]);
    expect(await tagsGivenAtCreate(unpatched.aws, "tags-unpatched")).toBe("NoSuchTagSet");
  });

  it("kms-rotation-period: GetKeyRotationStatus returns the period given, 365 days when none was", async () => {
    expect(await rotationPeriods(patched.aws)).toEqual([200, 365]);
    expect(await rotationPeriods(unpatched.aws)).toEqual([undefined, undefined]);
  });

  it("kms-replica-key: the replica is a REPLICA of the primary with its own policy, description and tags; the primary stays PRIMARY and lists it", async () => {
    const found = await replica(patched.aws);
    expect(found.replica.MultiRegionConfiguration).toEqual({
      MultiRegionKeyType: "REPLICA",
      PrimaryKey: { Arn: found.primaryArn, Region: "us-east-1" },
      ReplicaKeys: [],
    });
    expect(found.replica.Arn).toBe(found.primaryArn!.replace(":us-east-1:", ":eu-west-1:"));
    expect(found.replica.Description).toBe("replica");
    expect(JSON.parse(found.replicaPolicy!)).toEqual(JSON.parse(REPLICA_POLICY));
    expect(found.replicaTags).toEqual([{ TagKey: "role", TagValue: "replica" }]);
    expect(found.primaryAfter.MultiRegionConfiguration).toEqual({
      MultiRegionKeyType: "PRIMARY",
      PrimaryKey: { Arn: found.primaryArn, Region: "us-east-1" },
      ReplicaKeys: [{ Arn: found.replica.Arn, Region: "eu-west-1" }],
    });
    expect(found.aliasOfTheSameName).toBe("created in both regions");
    const gap = await replica(unpatched.aws);
    expect(gap.primaryAfter.MultiRegionConfiguration?.MultiRegionKeyType).toBe("REPLICA");
    expect(gap.aliasOfTheSameName).toBe("AlreadyExistsException");
  });

  it("kms-multi-region-flag: a key created without MultiRegion describes itself as MultiRegion false", async () => {
    expect(await multiRegionFlag(patched.aws)).toBe(false);
    expect(await multiRegionFlag(unpatched.aws)).toBeUndefined();
  });

  it("iam-conditions: a bucket policy's conditional Deny does not refuse a request that carries none of its keys; an unconditional one still does", async () => {
    expect(await putsUnderConditionalDeny(patched.aws, "conditions-patched")).toEqual(["allowed/a.txt: stored", "denied/a.txt: 403"]);
    expect(await putsUnderConditionalDeny(unpatched.aws, "conditions-unpatched")).toEqual(["allowed/a.txt: 403", "denied/a.txt: 403"]);
  });
});

/** The IDs of two keys created after `callsFirst` other calls (each answered with a request ID). */
async function keyIds(aws: Clients, callsFirst: number): Promise<string[]> {
  const kms = aws.kms();
  for (let i = 0; i < callsFirst; i++) await kms.send(new ListKeysCommand({}));
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) ids.push((await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!);
  return ids;
}

describe("emulator seed (the launcher's --seed: tools/plan-fixtures.ts makes the same key IDs on every run)", () => {
  let seeded: Emulator[] = [];
  beforeAll(async () => {
    seeded = await Promise.all([startEmulator({ account: ACCOUNT, seed: 7 }), startEmulator({ account: ACCOUNT, seed: 7 })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(seeded.map((emulator) => emulator.stop()));
  });

  it("makes the same key IDs for the same creations, however many requests came first; unseeded, other ones", async () => {
    const [first, again] = await Promise.all([keyIds(clients(seeded[0]), 0), keyIds(clients(seeded[1]), 5)]);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(2);
    expect(await keyIds(patched.aws, 0)).not.toEqual(first);
  });
});
