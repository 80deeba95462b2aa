import * as fs from "node:fs";
import * as path from "node:path";
import { GetPolicyCommand } from "@aws-sdk/client-iam";
import { DescribeKeyCommand, ListAliasesCommand } from "@aws-sdk/client-kms";
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import { STACKS } from "../main";
import { LookoutVisionEncryption, LookoutVisionEncryptionProps } from "../modules/lookout-vision-encryption";
import { Emulator, startEmulator } from "../tools/emulator";
import { DeployedState, deployedState } from "./deployed-state";
import { apply, clients, Clients, createAttachedRoles, initOnEmulator, planChanges, SecondPlan, stateAddresses } from "./emulator";
import { removeTempDirs, tempDir, tofuAsync, tofuOkAsync, TofuResult } from "./engine";
import { checkout, compileInto, ROOT, runAppAsync } from "./example-app-checkout";
import { SynthJson } from "./helpers";
import { section } from "./package-readme";
import { READ_BACKS } from "./read-back";

// What the data-safety settings do on a real apply and destroy, on the AWS emulator. Four
// deployments, each with an emulator of its own, run side by side in beforeAll:
// - adoption: the console bucket the service console made (SSE-S3, an object in it) is imported by
//   `consoleBucket: { importExisting: true }` and reconfigured in place, never replaced;
// - the example app's single-account stack as deployed: `destroy` is refused by prevent_destroy
//   and touches nothing;
// - the same stack, then the README's "Tearing down the example on purpose" as written: main.ts
//   edited as step 2 says, built and synthesized in a checkout of the app, applied (step 3),
//   destroyed (step 4). Steps 3 and 4 run tofu in the stack's folder, which is what `cdktf deploy`
//   and `cdktf destroy` run there after their synth (the CLI adds its prompt and its output
//   around them); the README quick start's deploy check runs the cdktf CLI itself;
// - force_destroy left off: destroying a bucket that holds an object fails; the object and its key stay.

const REGION = "us-east-1";
const ADOPTION_ACCOUNT = "555555555555";
const KEEPS_DATA_ACCOUNT = "666666666666";
/** The example stack the README's teardown steps are run on, and the account main.ts gives it. */
const TEARDOWN_STACK = "lookout-vision-single-account";
const TEARDOWN_ACCOUNT = "111111111111";
const TEARDOWN_SECTION = "Tearing down the example on purpose";
const OBJECT_KEY = "datasets/train/image-0001.bin";

interface Stack {
  readonly dir: string;
  readonly json: SynthJson;
}

interface Deployment extends Stack {
  readonly aws: Clients;
}

/** One entry of `resource_changes` in `tofu show -json <plan>`. */
interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: string[]; readonly importing?: { readonly id: string } };
}

const emulators: Emulator[] = [];

function stackIn(outdir: string, name: string): Stack {
  const dir = path.join(outdir, "stacks", name);
  return { dir, json: JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as SynthJson };
}

/** A stack of LookoutVisionEncryption as main.ts builds one (the AWS provider, the region), synthesized to a folder of its own. */
function synthesized(name: string, props: LookoutVisionEncryptionProps): Stack {
  const outdir = tempDir(`deploy-${name}`);
  const app = new App({ outdir });
  const stack = new TerraformStack(app, name);
  new AwsProvider(stack, "aws", { region: REGION });
  new LookoutVisionEncryption(stack, "Encryption", { region: REGION, partition: "aws", ...props });
  app.synth();
  return stackIn(outdir, name);
}

/** A fresh emulator acting in `account`, the stack initialized on it (nothing applied yet). */
async function onEmulator(stack: Stack, account: string): Promise<Deployment> {
  const emulator = await startEmulator({ account });
  emulators.push(emulator);
  const aws = clients(emulator);
  await createAttachedRoles(stack.json, aws);
  await initOnEmulator(stack.dir, stack.json, emulator, { pinProvider: true });
  return { ...stack, aws };
}

/** Plans into `tfplan` (applied next with `apply(dir, ["tfplan"])`), and returns the plan's resource changes. */
async function savedPlan(dir: string): Promise<ResourceChange[]> {
  await tofuOkAsync(dir, ["plan", "-input=false", "-no-color", "-out=tfplan"]);
  return (JSON.parse(await tofuOkAsync(dir, ["show", "-json", "tfplan"])) as { resource_changes?: ResourceChange[] }).resource_changes ?? [];
}

function destroy(dir: string): Promise<TofuResult> {
  return tofuAsync(dir, ["destroy", "-auto-approve", "-input=false", "-no-color"]);
}

function addressesOf(json: SynthJson, type: string): string[] {
  return Object.keys(json.resource?.[type] ?? {}).map((name) => `${type}.${name}`);
}

function bucketsIn(state: DeployedState): string[] {
  return [...state.resources.values()].filter((r) => r.type === "aws_s3_bucket").map((r) => r.values.bucket as string);
}

/** The bytes put into a bucket: its name, so an object found in another bucket would not match. */
function sample(bucket: string): string {
  return `${bucket}: training image\n\u0000\u00ff`;
}

async function put(aws: Clients, bucket: string, body: string): Promise<void> {
  await aws.s3().send(new PutObjectCommand({ Bucket: bucket, Key: OBJECT_KEY, Body: Buffer.from(body, "latin1") }));
}

/** What the emulator holds of the object put into a bucket: its versions and the latest's bytes. */
async function held(aws: Clients, bucket: string): Promise<{ versions: number; bytes: string }> {
  const versions = await aws.s3().send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: OBJECT_KEY }));
  const read = await aws.s3().send(new GetObjectCommand({ Bucket: bucket, Key: OBJECT_KEY }));
  return { versions: (versions.Versions ?? []).length, bytes: Buffer.from(await read.Body!.transformToByteArray()).toString("latin1") };
}

async function bucketsHeld(aws: Clients): Promise<string[]> {
  return ((await aws.s3().send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).sort();
}

async function creationDate(aws: Clients, bucket: string): Promise<Date | undefined> {
  return ((await aws.s3().send(new ListBucketsCommand({}))).Buckets ?? []).find((b) => b.Name === bucket)?.CreationDate;
}

async function defaultEncryption(aws: Clients, bucket: string): Promise<unknown> {
  return (await aws.s3().send(new GetBucketEncryptionCommand({ Bucket: bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0]
    ?.ApplyServerSideEncryptionByDefault;
}

async function keyState(aws: Clients, keyId: string): Promise<{ state?: string; deletionScheduled: boolean }> {
  const metadata = (await aws.kms().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
  return { state: metadata?.KeyState, deletionScheduled: metadata?.DeletionDate !== undefined };
}

// --- adoption of the console bucket ---

interface Adoption extends Deployment {
  readonly bucket: string;
  readonly encryptionBefore: unknown;
  readonly createdBefore?: Date;
  readonly plan: ResourceChange[];
  readonly secondPlan: SecondPlan;
  readonly state: DeployedState;
  readonly createdAfter?: Date;
  readonly encryptionAfter: unknown;
  readonly object: { versions: number; bytes: string };
  readonly objectEncryption?: string;
}

/** The console bucket as the Lookout for Vision console leaves it: default SSE-S3, public access blocked, a dataset image in it. */
async function createAsTheConsoleDoes(aws: Clients, bucket: string): Promise<void> {
  const s3 = aws.s3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    }),
  );
  await put(aws, bucket, sample(bucket));
}

async function adopt(): Promise<Adoption> {
  const stack = synthesized("adoption", {
    accountId: ADOPTION_ACCOUNT,
    keyUserArns: [`arn:aws:iam::${ADOPTION_ACCOUNT}:role/LookoutVisionTrainer`],
    consoleBucket: { importExisting: true },
    tags: { project: "lookout-vision" },
  });
  const deployment = await onEmulator(stack, ADOPTION_ACCOUNT);
  const { aws } = deployment;
  const bucket = `lookoutvision-${REGION}-${ADOPTION_ACCOUNT}`;
  await createAsTheConsoleDoes(aws, bucket);
  const encryptionBefore = await defaultEncryption(aws, bucket);
  const createdBefore = await creationDate(aws, bucket);
  const plan = await savedPlan(stack.dir);
  await apply(stack.dir, ["tfplan"]);
  return {
    ...deployment,
    bucket,
    encryptionBefore,
    createdBefore,
    plan,
    secondPlan: await planChanges(stack.dir),
    state: await deployedState(stack.dir),
    createdAfter: await creationDate(aws, bucket),
    encryptionAfter: await defaultEncryption(aws, bucket),
    object: await held(aws, bucket),
    objectEncryption: (await aws.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: OBJECT_KEY }))).ServerSideEncryption,
  };
}

// --- the example's single-account stack: destroy refused; the README's teardown ---

/** What the emulator holds of a deployed stack: each bucket's object, the key's state. */
interface Holdings {
  readonly buckets: string[];
  readonly objects: Record<string, { versions: number; bytes: string }>;
  readonly key: { state?: string; deletionScheduled: boolean };
}

interface Applied extends Deployment {
  readonly state: DeployedState;
}

/** The example stack as `cdktf deploy` leaves it, with an object in every bucket. */
interface DeployedExample extends Applied {
  readonly buckets: string[];
  /** The buckets whose versioning is Enabled: they keep both versions put. */
  readonly versioned: string[];
  readonly keyId: string;
  /** What the emulator held once the objects were in. */
  readonly held: Holdings;
}

async function holdings(aws: Clients, buckets: string[], keyId: string): Promise<Holdings> {
  const objects = Object.fromEntries(await Promise.all(buckets.map(async (bucket) => [bucket, await held(aws, bucket)] as const)));
  return { buckets: await bucketsHeld(aws), objects, key: await keyState(aws, keyId) };
}

/** The example stack applied as `cdktf deploy` applies it. */
async function applyExample(stack: Stack): Promise<Applied> {
  const deployment = await onEmulator(stack, TEARDOWN_ACCOUNT);
  await apply(stack.dir);
  return { ...deployment, state: await deployedState(stack.dir) };
}

/** Two versions of an object in every bucket of the applied example (the second is the one read back). */
async function putObjects(applied: Applied): Promise<DeployedExample> {
  const { aws, json, state } = applied;
  const buckets = bucketsIn(state);
  const versioned = state
    .configured(json, "aws_s3_bucket_versioning")
    .filter(([, config]) => ([config.versioning_configuration].flat()[0] as { status: string }).status === "Enabled")
    .map(([, config]) => config.bucket as string);
  await Promise.all(
    buckets.map(async (bucket) => {
      await put(aws, bucket, "first version");
      await put(aws, bucket, sample(bucket));
    }),
  );
  const keyId = state.attribute(`${addressesOf(json, "aws_kms_key")[0]}.key_id`) as string;
  return { ...applied, buckets, versioned, keyId, held: await holdings(aws, buckets, keyId) };
}

interface Refusal extends DeployedExample {
  readonly refused: TofuResult;
  /** `destroy` with every bucket's prevent_destroy off (an override file): the key's own refusal. */
  readonly refusedForKey: TofuResult;
  readonly afterRefused: Holdings;
}

const BUCKETS_OPTED_OUT = "buckets_opted_out_override.tf.json";

/** An override turning prevent_destroy off on every bucket and nothing else (destroy reads it from the configuration). */
function bucketsOptedOut(json: SynthJson): object {
  return {
    resource: {
      aws_s3_bucket: Object.fromEntries(
        Object.keys(json.resource?.aws_s3_bucket ?? {}).map((name) => [name, { lifecycle: { prevent_destroy: false } }]),
      ),
    },
  };
}

async function refuseDestroy(): Promise<Refusal> {
  const outdir = tempDir("deploy-protected");
  const app = new App({ outdir });
  new STACKS[TEARDOWN_STACK](app, TEARDOWN_STACK);
  app.synth();
  const deployed = await putObjects(await applyExample(stackIn(outdir, TEARDOWN_STACK)));
  const refused = await destroy(deployed.dir);
  fs.writeFileSync(path.join(deployed.dir, BUCKETS_OPTED_OUT), JSON.stringify(bucketsOptedOut(deployed.json)));
  const refusedForKey = await destroy(deployed.dir);
  fs.rmSync(path.join(deployed.dir, BUCKETS_OPTED_OUT));
  return { ...deployed, refused, refusedForKey, afterRefused: await holdings(deployed.aws, deployed.buckets, deployed.keyId) };
}

interface Teardown extends DeployedExample {
  readonly optedOut: SynthJson;
  readonly optOutPlan: ResourceChange[];
  readonly forceDestroyApplied: Record<string, unknown>;
  readonly destroyed: TofuResult;
  readonly stateAfter: string[];
  readonly after: Holdings;
  readonly aliasLeft: boolean;
  readonly userPolicyAfter: string;
}

/** Step 2's edits as the README writes them, `prop: { ..., additions }`, as [prop, additions]. */
function readmeOptOuts(): [string, string][] {
  const step2 = /^2\. [\s\S]*?(?=^3\. )/m.exec(section(TEARDOWN_SECTION))?.[0] ?? "";
  const edits = [...step2.matchAll(/^\s+- `(\w+): \{ \.\.\., ([^`]+?) \}`/gm)].map((m): [string, string] => [m[1], m[2]]);
  if (edits.length === 0) throw new Error(`README.md "${TEARDOWN_SECTION}": no \`prop: { ..., opt-out }\` edit in step 2`);
  return edits;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  throw new Error(`no brace closes the one at ${open}`);
}

/** main.ts with each opt-out written at the end of its object literal in the stack's class, as a user edits it. */
function optedOutMain(className: string, edits: [string, string][]): string {
  const source = fs.readFileSync(path.join(ROOT, "main.ts"), "utf8");
  const start = source.indexOf(`export class ${className} `);
  const end = source.indexOf("\nexport ", start + 1);
  if (start < 0 || end < 0) throw new Error(`main.ts: no class ${className}`);
  let body = source.slice(start, end);
  for (const [prop, additions] of edits) {
    const open = body.indexOf(`${prop}: {`);
    if (open < 0 || body.indexOf(`${prop}: {`, open + 1) >= 0)
      throw new Error(`main.ts ${className}: expected one "${prop}: {" for the README's opt-out "${additions}"`);
    const close = matchingBrace(body, open + prop.length + 2);
    body = `${body.slice(0, close).trimEnd()}, ${additions} ${body.slice(close)}`;
  }
  return source.slice(0, start) + body + source.slice(end);
}

async function tearDown(): Promise<Teardown> {
  // Deployed as it is (`npm run build`, `cdktf deploy`), in a checkout of the app.
  const project = checkout(tempDir("deploy-teardown"));
  await runAppAsync(project);
  const applied = await applyExample(stackIn(path.join(project, "cdktf.out"), TEARDOWN_STACK));
  // Step 2, the opt-outs in main.ts, and the build and synth of step 3's `npm run build && cdktf
  // deploy <stack>`, while objects go into the buckets.
  compileInto(project, "main.ts", optedOutMain(STACKS[TEARDOWN_STACK].name, readmeOptOuts()));
  const [deployed] = await Promise.all([putObjects(applied), runAppAsync(project)]);
  const { aws, dir, json, state, keyId } = deployed;
  const optedOut = stackIn(path.join(project, "cdktf.out"), TEARDOWN_STACK).json;
  // Step 3's apply.
  const optOutPlan = await savedPlan(dir);
  await apply(dir, ["tfplan"]);
  const optedOutState = await deployedState(dir);
  const forceDestroyApplied = Object.fromEntries(
    addressesOf(json, "aws_s3_bucket").map((address) => [address, optedOutState.attribute(`${address}.force_destroy`)]),
  );

  // Step 4: `cdktf destroy <stack>`.
  const destroyed = await destroy(dir);
  const aliasName = state.attribute(`${addressesOf(json, "aws_kms_alias")[0]}.name`);
  const userPolicyArn = state.attribute(`${addressesOf(json, "aws_iam_policy")[0]}.arn`) as string;
  return {
    ...deployed,
    optedOut,
    optOutPlan,
    forceDestroyApplied,
    destroyed,
    stateAfter: await stateAddresses(dir),
    after: await holdings(aws, [], keyId),
    aliasLeft: ((await aws.kms().send(new ListAliasesCommand({}))).Aliases ?? []).some((a) => a.AliasName === aliasName),
    userPolicyAfter: await aws
      .iam()
      .send(new GetPolicyCommand({ PolicyArn: userPolicyArn }))
      .then(
        () => "still there",
        (error: Error) => error.name,
      ),
  };
}

// --- force_destroy left off ---

interface KeepsData extends Deployment {
  readonly bucket: string;
  readonly destroyed: TofuResult;
  readonly stateAfter: string[];
  readonly after: Holdings;
  /** The bucket's settings after the failed destroy: each read, or the error name of its absence. */
  readonly settingsAfter: Record<string, string | undefined>;
}

function absent(error: Error): string {
  return error.name;
}

async function settings(aws: Clients, bucket: string): Promise<Record<string, string | undefined>> {
  const s3 = aws.s3();
  return {
    versioning: (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status,
    publicAccessBlock: await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })).then(() => "present", absent),
    policy: await s3.send(new GetBucketPolicyCommand({ Bucket: bucket })).then(() => "present", absent),
  };
}

async function keepData(): Promise<KeepsData> {
  const stack = synthesized("keeps-data", {
    accountId: KEEPS_DATA_ACCOUNT,
    key: { preventDestroy: false },
    bucketSettings: { preventDestroy: false },
    userPolicy: false,
  });
  const deployment = await onEmulator(stack, KEEPS_DATA_ACCOUNT);
  const { aws, dir } = deployment;
  await apply(dir);
  const state = await deployedState(dir);
  const [bucket] = bucketsIn(state);
  const keyId = state.attribute(`${addressesOf(stack.json, "aws_kms_key")[0]}.key_id`) as string;
  await put(aws, bucket, sample(bucket));
  const destroyed = await destroy(dir);
  return {
    ...deployment,
    bucket,
    destroyed,
    stateAfter: await stateAddresses(dir),
    after: await holdings(aws, [bucket], keyId),
    settingsAfter: await settings(aws, bucket),
  };
}

let adoption: Promise<Adoption>;
let refusal: Promise<Refusal>;
let teardown: Promise<Teardown>;
let keepsData: Promise<KeepsData>;

beforeAll(async () => {
  adoption = adopt();
  refusal = refuseDestroy();
  teardown = tearDown();
  keepsData = keepData();
  // Each check awaits its own deployment: one failing does not hide the others' results.
  await Promise.allSettled([adoption, refusal, teardown, keepsData]);
}, 600_000);

afterAll(async () => {
  await Promise.all(emulators.map((e) => e.stop()));
  removeTempDirs();
});

// Reads through the proxy on a loaded 2-core machine: seconds, not milliseconds.
jest.setTimeout(60_000);

/** The deployed example held its object in every bucket, and the key enabled, before any destroy. */
function expectObjectsInEveryBucket({ buckets, versioned, held }: DeployedExample): void {
  expect(versioned.length).toBeGreaterThan(2);
  expect(held).toEqual({
    buckets: [...buckets].sort(),
    objects: Object.fromEntries(buckets.map((bucket) => [bucket, { versions: versioned.includes(bucket) ? 2 : 1, bytes: sample(bucket) }])),
    key: { state: "Enabled", deletionScheduled: false },
  });
}

describe("adopting the console bucket the service console created (consoleBucket.importExisting)", () => {
  it("plans an import of the bucket, never a create, delete or replace of it", async () => {
    const { json, plan, bucket } = await adoption;
    const [address] = addressesOf(json, "aws_s3_bucket");
    const imports = plan
      .filter((c) => c.change.importing !== undefined)
      .map((c) => ({ address: c.address, id: c.change.importing?.id, actions: c.change.actions }));
    expect(imports).toEqual([{ address, id: bucket, actions: [expect.stringMatching(/^(no-op|update)$/)] }]);
    expect(plan.filter((c) => c.change.actions.includes("delete")).map((c) => c.address)).toEqual([]);
  });

  it("turns its default encryption from SSE-S3 to SSE-KMS with the stack's key", async () => {
    const { json, state, encryptionBefore, encryptionAfter } = await adoption;
    const keyArn = state.attribute(`${addressesOf(json, "aws_kms_key")[0]}.arn`);
    expect({ before: encryptionBefore, after: encryptionAfter }).toEqual({
      before: { SSEAlgorithm: "AES256" },
      after: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn },
    });
  });

  it.each(Object.keys(READ_BACKS) as (keyof typeof READ_BACKS)[])("reads back %s as synthesized", async (what) => {
    const { json, state, aws } = await adoption;
    for (const { address, expected, actual } of await READ_BACKS[what](json, state, aws, REGION))
      expect({ address, value: actual }).toEqual({ address, value: expected });
  });

  it("keeps the bucket (created when the console made it) and the object put before, byte for byte, as it was stored", async () => {
    const { bucket, createdBefore, createdAfter, object, objectEncryption } = await adoption;
    expect(createdBefore).toBeInstanceOf(Date);
    expect({ created: createdAfter, object, objectEncryption }).toEqual({
      created: createdBefore,
      object: { versions: 1, bytes: sample(bucket) },
      objectEncryption: "AES256",
    });
  });

  it("shows no change on the second plan", async () => {
    const { secondPlan } = await adoption;
    expect(secondPlan.changed ? secondPlan.text : "no change").toBe("no change");
  });
});

describe(`destroying the example's ${TEARDOWN_STACK} stack as deployed`, () => {
  /** prevent_destroy's error for each address, in the engine's words (it wraps them: compared with single spaces). */
  function expectRefusedFor(result: TofuResult, addresses: string[]): void {
    expect(addresses.length).toBeGreaterThan(0);
    expect(result.status).toBe(1);
    const message = result.stderr.replace(/\s+/g, " ");
    for (const address of addresses)
      expect(message).toContain(`Resource instance ${address} has prevent_destroy set, but the plan calls for it to be destroyed.`);
    expect(message.match(/has prevent_destroy set/g)).toHaveLength(addresses.length);
  }

  it("is refused: tofu destroy exits 1 with prevent_destroy's error for every bucket (the key waits for its buckets)", async () => {
    const { json, refused } = await refusal;
    expect(addressesOf(json, "aws_s3_bucket").length).toBeGreaterThan(3);
    expectRefusedFor(refused, addressesOf(json, "aws_s3_bucket"));
  });

  it("is refused for the key on its own when only the buckets opt out", async () => {
    const { json, refusedForKey } = await refusal;
    expectRefusedFor(refusedForKey, addressesOf(json, "aws_kms_key"));
  });

  it("leaves every bucket, every version of its object and the key as they were, after both", async () => {
    const deployed = await refusal;
    expectObjectsInEveryBucket(deployed);
    expect(deployed.afterRefused).toEqual(deployed.held);
  });
});

describe(`README's "${TEARDOWN_SECTION}", run as written`, () => {
  it("step 2's edits of main.ts turn prevent_destroy off on the key and every bucket, force_destroy on for every bucket (access-log buckets too)", async () => {
    const { optedOut } = await teardown;
    const lifecycle = (type: string) =>
      Object.values(optedOut.resource?.[type] ?? {}).map((r) => ({
        preventDestroy: (r.lifecycle as { prevent_destroy?: boolean }).prevent_destroy,
        forceDestroy: r.force_destroy,
      }));
    const buckets = lifecycle("aws_s3_bucket");
    expect(buckets.length).toBeGreaterThan(3);
    expect(buckets).toEqual(buckets.map(() => ({ preventDestroy: false, forceDestroy: true })));
    expect(lifecycle("aws_kms_key")).toEqual([{ preventDestroy: false, forceDestroy: undefined }]);
  });

  it("step 3 applies them in place: nothing created, replaced or deleted; force_destroy true in the state of every bucket", async () => {
    const { json, optOutPlan, forceDestroyApplied } = await teardown;
    expect(
      optOutPlan
        .filter((c) => !c.change.actions.every((a) => a === "update" || a === "no-op"))
        .map((c) => `${c.address}: ${c.change.actions.join(", ")}`),
    ).toEqual([]);
    expect(forceDestroyApplied).toEqual(Object.fromEntries(addressesOf(json, "aws_s3_bucket").map((address) => [address, true])));
  });

  it("step 4 removes everything, objects and all: destroy succeeds, the state is empty, no bucket is left, the key is pending deletion, its alias and the user policy are gone", async () => {
    const deployed = await teardown;
    expectObjectsInEveryBucket(deployed);
    const { destroyed, stateAfter, after, aliasLeft, userPolicyAfter } = deployed;
    expect({ status: destroyed.status, stderr: destroyed.stderr }).toEqual({ status: 0, stderr: "" });
    expect({ stateAfter, after, aliasLeft, userPolicyAfter }).toEqual({
      stateAfter: [],
      after: { buckets: [], objects: {}, key: { state: "PendingDeletion", deletionScheduled: true } },
      aliasLeft: false,
      userPolicyAfter: "NoSuchEntityException",
    });
  });
});

describe("destroying a bucket that holds an object, prevent_destroy off and force_destroy left false", () => {
  it("fails with BucketNotEmpty, naming the bucket", async () => {
    const { json, bucket, destroyed } = await keepsData;
    expect(Object.values(json.resource?.aws_s3_bucket ?? {}).map((r) => ({ lifecycle: r.lifecycle, forceDestroy: r.force_destroy }))).toEqual([
      { lifecycle: { prevent_destroy: false }, forceDestroy: false },
    ]);
    expect(destroyed.status).toBe(1);
    expect(destroyed.stderr).toContain("BucketNotEmpty");
    expect(destroyed.stderr).toContain(bucket);
  });

  it("leaves the bucket, its object byte for byte, and the key its object needs (the bucket depends on it: destroy stops first)", async () => {
    const { json, bucket, stateAfter, after } = await keepsData;
    expect(after).toEqual({
      buckets: [bucket],
      objects: { [bucket]: { versions: 1, bytes: sample(bucket) } },
      key: { state: "Enabled", deletionScheduled: false },
    });
    expect(stateAfter).toEqual([...addressesOf(json, "aws_kms_key"), ...addressesOf(json, "aws_s3_bucket")].sort());
  });

  it("has already removed what depends on the bucket and the key: versioning suspended, no public access block, no policy (README step 3 says so)", async () => {
    const { settingsAfter } = await keepsData;
    expect(settingsAfter).toEqual({
      versioning: "Suspended",
      publicAccessBlock: "NoSuchPublicAccessBlockConfiguration",
      policy: "NoSuchBucketPolicy",
    });
  });
});
