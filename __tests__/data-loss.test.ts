import { Construct } from "constructs";
import { EncryptedBucket, EncryptedBucketProps } from "../modules/encrypted-bucket";
import { LookoutVisionEncryption, LookoutVisionEncryptionProps } from "../modules/lookout-vision-encryption";
import { LookoutVisionKey } from "../modules/lookout-vision-key";
import { resourcesOf, synth, SynthJson } from "./helpers";

/**
 * Data-loss protection: keys and buckets keep `prevent_destroy`, buckets `force_destroy = false`
 * and versioning, whatever else is configured; only the prop named for each turns it off.
 */

const ENV = { region: "us-east-1", accountId: "111111111111", partition: "aws" };
const USER = "arn:aws:iam::111111111111:role/Trainer";
const BYO_KEY = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

interface Protections {
  /** `lifecycle.prevent_destroy` of every aws_kms_key and aws_kms_replica_key. */
  readonly keyPreventDestroy: unknown[];
  /** `lifecycle.prevent_destroy` of every aws_s3_bucket, log buckets included. */
  readonly bucketPreventDestroy: unknown[];
  /** `force_destroy` of every aws_s3_bucket. */
  readonly bucketForceDestroy: unknown[];
  /** Status of every aws_s3_bucket_versioning (data buckets; log buckets are not versioned). */
  readonly versioning: unknown[];
}

const SAFE: Protections = { keyPreventDestroy: [true], bucketPreventDestroy: [true], bucketForceDestroy: [false], versioning: ["Enabled"] };

/** The distinct values each protection has across the stack: one value when every resource agrees. */
function protections(json: SynthJson): Protections {
  const distinct = (types: string[], read: (r: Record<string, unknown>) => unknown) => [
    ...new Set(types.flatMap((type) => Object.values(resourcesOf(json, type)).map(read))),
  ];
  const preventDestroy = (r: Record<string, unknown>) => (r.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy;
  return {
    keyPreventDestroy: distinct(["aws_kms_key", "aws_kms_replica_key"], preventDestroy),
    bucketPreventDestroy: distinct(["aws_s3_bucket"], preventDestroy),
    bucketForceDestroy: distinct(["aws_s3_bucket"], (r) => r.force_destroy),
    versioning: distinct(["aws_s3_bucket_versioning"], (r) => (r.versioning_configuration as { status: string }).status),
  };
}

/** The whole set-up: new key, console bucket, two output buckets, each with an access-log bucket. */
function everything(props: LookoutVisionEncryptionProps = {}) {
  return (scope: Construct) => {
    new LookoutVisionEncryption(scope, "Encryption", {
      ...ENV,
      keyUserArns: [USER],
      outputBuckets: [{ id: "models", bucketName: "vision-models-bucket" }, { id: "runs" }],
      ...props,
      bucketSettings: { accessLogs: true, ...props.bucketSettings },
    });
  };
}

/** A LookoutVisionKey and an EncryptedBucket with access logs, side by side. */
function keyAndBucket(props: Partial<EncryptedBucketProps> = {}) {
  return (scope: Construct) => {
    const key = new LookoutVisionKey(scope, "Key", ENV);
    new EncryptedBucket(scope, "Data", { ...ENV, encryptionKey: key, bucketName: "vision-data-bucket", accessLogs: true, ...props });
  };
}

function multiRegion(scope: Construct): void {
  const primary = new LookoutVisionEncryption(scope, "Primary", { ...ENV, keyUserArns: [USER], key: { multiRegion: true }, outputNamePrefix: "p_" });
  new LookoutVisionEncryption(scope, "Replica", {
    ...ENV,
    region: "eu-west-1",
    keyUserArns: [USER],
    key: { replicaOf: primary.key },
    outputNamePrefix: "r_",
  });
}

describe("data-loss protection by default", () => {
  const cases: Array<[string, (scope: Construct) => void, Protections]> = [
    ["the whole set-up with access-log buckets", everything(), SAFE],
    ["a multi-region primary key and its replica, each with a console bucket", multiRegion, SAFE],
    ["a bring-your-own key (no key created here)", everything({ key: { existingKeyArn: BYO_KEY } }), { ...SAFE, keyPreventDestroy: [] }],
    ["a LookoutVisionKey and an EncryptedBucket used directly", keyAndBucket(), SAFE],
    [
      "every other protection opted out on purpose (TLS, public access block), TLS 1.3, import of an existing bucket, tags",
      keyAndBucket({
        enforceTls: false,
        acknowledgeInsecureTransport: true,
        blockPublicAccess: false,
        acknowledgePublicAccess: true,
        minimumTlsVersion: "1.3",
        importExisting: true,
        tags: { team: "vision" },
      }),
      SAFE,
    ],
  ];

  it.each(cases)("%s", (_name, build, expected) => {
    expect(protections(synth(build).json)).toEqual(expected);
  });

  it("counts every key and bucket it checks (the set-up has 1 key, 3 data buckets and their shared log bucket)", () => {
    const { json } = synth(everything());
    expect(Object.keys(resourcesOf(json, "aws_kms_key"))).toHaveLength(1);
    expect(Object.keys(resourcesOf(json, "aws_s3_bucket"))).toHaveLength(4);
    expect(Object.keys(resourcesOf(json, "aws_s3_bucket_versioning"))).toHaveLength(3);
  });
});

describe("data-loss protection opt-outs", () => {
  const cases: Array<[string, (scope: Construct) => void, Protections]> = [
    [
      "key.preventDestroy: false lets the key be destroyed, nothing else",
      everything({ key: { preventDestroy: false } }),
      { ...SAFE, keyPreventDestroy: [false] },
    ],
    [
      "bucketSettings.preventDestroy: false lets every bucket (log buckets too) be destroyed, nothing else",
      everything({ bucketSettings: { preventDestroy: false } }),
      { ...SAFE, bucketPreventDestroy: [false] },
    ],
    [
      "bucketSettings.forceDestroy: true lets destroy empty every bucket first, nothing else",
      everything({ bucketSettings: { forceDestroy: true } }),
      { ...SAFE, bucketForceDestroy: [true] },
    ],
    [
      "bucketSettings.versioned: false suspends versioning, nothing else",
      everything({ bucketSettings: { versioned: false } }),
      { ...SAFE, versioning: ["Suspended"] },
    ],
    [
      "EncryptedBucket preventDestroy: false and forceDestroy: true apply to the bucket and its log bucket",
      keyAndBucket({ preventDestroy: false, forceDestroy: true }),
      { ...SAFE, bucketPreventDestroy: [false], bucketForceDestroy: [true] },
    ],
    [
      "a replica key opts out on its own (the primary keeps its protection)",
      (scope) => {
        const primary = new LookoutVisionKey(scope, "Primary", { ...ENV, multiRegion: true });
        new LookoutVisionKey(scope, "Replica", { ...ENV, region: "eu-west-1", replicaOf: primary, preventDestroy: false });
      },
      { ...SAFE, keyPreventDestroy: [true, false], bucketPreventDestroy: [], bucketForceDestroy: [], versioning: [] },
    ],
  ];

  it.each(cases)("%s", (_name, build, expected) => {
    expect(protections(synth(build).json)).toEqual(expected);
  });
});

describe("destroy order", () => {
  /** `depends_on` of every aws_s3_bucket, by the bucket's logical ID. */
  function bucketDependencies(json: SynthJson): Record<string, unknown> {
    return Object.fromEntries(Object.entries(resourcesOf(json, "aws_s3_bucket")).map(([name, bucket]) => [name, bucket.depends_on]));
  }
  /** A bucket's construct (logical ID prefix), the type of its key and the key's logical ID prefix. */
  type KeyOfBuckets = [bucketPrefix: string, keyType: string, keyPrefix: string];

  /** What each bucket should depend on: its construct's key; log buckets (SSE-S3) on nothing. */
  function expected(json: SynthJson, rows: KeyOfBuckets[]): Record<string, unknown> {
    const key = ([, type, prefix]: KeyOfBuckets) => `${type}.${Object.keys(resourcesOf(json, type)).find((name) => name.startsWith(prefix))}`;
    return Object.fromEntries(
      Object.keys(resourcesOf(json, "aws_s3_bucket")).map((name) => [
        name,
        name.includes("AccessLogs") ? undefined : [key(rows.find(([prefix]) => name.startsWith(prefix))!)],
      ]),
    );
  }

  it.each<[string, (scope: Construct) => void, KeyOfBuckets[]]>([
    ["the whole set-up: every data bucket on the key", everything(), [["Encryption_", "aws_kms_key", "Encryption_Key_"]]],
    [
      "a multi-region set-up: each region's buckets on that region's key",
      multiRegion,
      [
        ["Primary_", "aws_kms_key", "Primary_Key_"],
        ["Replica_", "aws_kms_replica_key", "Replica_Key_"],
      ],
    ],
    ["an EncryptedBucket used directly: on its LookoutVisionKey", keyAndBucket(), [["Data_", "aws_kms_key", "Key_"]]],
  ])("%s, so destroy deletes the key only once the buckets are gone (a bucket it cannot delete keeps its key)", (_name, build, rows) => {
    const { json } = synth(build);
    expect(Object.values(bucketDependencies(json)).filter((d) => d !== undefined).length).toBeGreaterThan(0);
    expect(bucketDependencies(json)).toEqual(expected(json, rows));
  });

  it("adds no dependency for a key made elsewhere", () => {
    expect(Object.values(bucketDependencies(synth(everything({ key: { existingKeyArn: BYO_KEY } })).json))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
