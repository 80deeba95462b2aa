import { App, Aspects, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LookoutVisionEncryption } from "./modules/lookout-vision-encryption";
import { EncryptionPosture } from "./modules/posture/encryption-posture";
import { checkBucketName, checkKmsKeyArn, checkRegion, fail } from "./modules/validation";

/**
 * The example app: three stacks that show the ways the constructs are used. Account IDs and
 * role names are placeholders; change them before `cdktf deploy`.
 */

const TRAINER_ROLE = "LookoutVisionTrainer";
const KEY_ADMIN_ROLE = "KeyAdmin";

export interface ExampleStackOptions {
  /**
   * Run the EncryptionPosture check at synth (it reads the whole stack once more: about a fifth
   * of synth time; the benchmark measures stacks with and without it).
   * @default true
   */
  readonly postureCheck?: boolean;
}

/** Where the example stacks keep their Terraform state when it is shared (an S3 bucket). */
export interface StateBackendSettings {
  /** The S3 bucket that holds the state. */
  readonly bucket: string;
  /**
   * Key prefix: each stack's state is `<keyPrefix>/<stack>.tfstate`.
   * @default "lookout-vision-encryption"
   */
  readonly keyPrefix: string;
  /** Region of the bucket. */
  readonly region: string;
  /**
   * KMS key (ARN) that encrypts the state objects.
   * @default undefined (the bucket's default encryption; the backend still sets `encrypt = true`)
   */
  readonly kmsKeyId?: string;
}

/** Each setting from cdktf context (`cdktf.json` "context") or, when unset there, the environment. */
const STATE_SETTINGS = {
  bucket: { context: "stateBucket", env: "STATE_BUCKET" },
  keyPrefix: { context: "stateKeyPrefix", env: "STATE_KEY_PREFIX" },
  region: { context: "stateRegion", env: "STATE_REGION" },
  kmsKeyId: { context: "stateKmsKeyId", env: "STATE_KMS_KEY_ID" },
} as const;

type StateSetting = keyof typeof STATE_SETTINGS;

const APP = "example app";
const DEFAULT_STATE_KEY_PREFIX = "lookout-vision-encryption";
const STATE_KEY_PREFIX_PATTERN = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;

function settingName(setting: StateSetting): string {
  return `${STATE_SETTINGS[setting].context} (context) or ${STATE_SETTINGS[setting].env}`;
}

/**
 * The S3 state backend settings of the app, or undefined for local state. An empty value is
 * unset (CI passes unset repository variables as ""). A setting without a bucket is an error:
 * it would otherwise fall back to local state without a word.
 */
export function stateBackendSettings(scope: Construct, env: NodeJS.ProcessEnv = process.env): StateBackendSettings | undefined {
  const values: Partial<Record<StateSetting, string>> = {};
  for (const setting of Object.keys(STATE_SETTINGS) as StateSetting[]) {
    const fromContext: unknown = scope.node.tryGetContext(STATE_SETTINGS[setting].context);
    const value = fromContext !== undefined && fromContext !== "" ? fromContext : env[STATE_SETTINGS[setting].env];
    if (value === undefined || value === "") continue;
    if (typeof value !== "string") fail(APP, settingName(setting), "a string", value);
    values[setting] = value;
  }
  const { bucket, keyPrefix, region, kmsKeyId } = values;
  if (bucket === undefined) {
    const orphan = (Object.keys(values) as StateSetting[])[0];
    if (orphan !== undefined)
      fail(APP, settingName("bucket"), `set when ${settingName(orphan)} is set (the S3 state backend needs its bucket)`, bucket);
    return undefined;
  }
  checkBucketName(APP, settingName("bucket"), bucket);
  if (region === undefined) fail(APP, settingName("region"), "set with the state bucket (the region of the bucket)", region);
  checkRegion(APP, settingName("region"), region);
  if (keyPrefix !== undefined && !STATE_KEY_PREFIX_PATTERN.test(keyPrefix)) {
    fail(APP, settingName("keyPrefix"), "S3 key segments separated by single '/', no leading or trailing '/', no whitespace", keyPrefix);
  }
  if (kmsKeyId !== undefined) checkKmsKeyArn(APP, settingName("kmsKeyId"), kmsKeyId);
  return { bucket, region, keyPrefix: keyPrefix ?? DEFAULT_STATE_KEY_PREFIX, ...(kmsKeyId !== undefined ? { kmsKeyId } : {}) };
}

/**
 * The stack's backend: S3 with native locking and encryption when configured, else a local file.
 * The local path is relative to the folder Terraform runs in (`cdktf.out/stacks/<stack>`), so it
 * names the project root, where cdktf's default keeps it, without writing this machine's path.
 */
function addStateBackend(stack: TerraformStack, name: string, settings: StateBackendSettings | undefined): void {
  if (settings === undefined) {
    new LocalBackend(stack, { path: `../../../terraform.${name}.tfstate` });
    return;
  }
  new S3Backend(stack, {
    bucket: settings.bucket,
    key: `${settings.keyPrefix}/${name}.tfstate`,
    region: settings.region,
    encrypt: true,
    ...(settings.kmsKeyId !== undefined ? { kmsKeyId: settings.kmsKeyId } : {}),
  });
  // cdktf 0.21's S3BackendConfig predates use_lockfile (Terraform 1.11, OpenTofu 1.8): S3 native locking, no DynamoDB table.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}

/** A stack with its state backend, the AWS provider and the encryption posture check: synth fails on an error finding. */
class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleStackOptions = {}) {
    super(scope, id);
    addStateBackend(this, id, stateBackendSettings(this));
    new AwsProvider(this, "aws", { region: "us-east-1" });
    if (options.postureCheck ?? true) Aspects.of(this).add(new EncryptionPosture());
  }
}

/** One account, a new key, the console bucket and two output buckets. */
export class SingleAccountStack extends ExampleStack {
  constructor(scope: Construct, id: string, options: ExampleStackOptions = {}) {
    super(scope, id, options);
    new LookoutVisionEncryption(this, "Encryption", {
      region: "us-east-1",
      accountId: "111111111111",
      partition: "aws",
      key: { alias: "alias/lookout-vision", administratorArns: [`arn:aws:iam::111111111111:role/${KEY_ADMIN_ROLE}`] },
      keyUserArns: [`arn:aws:iam::111111111111:role/${TRAINER_ROLE}`],
      outputBuckets: [
        { id: "models", bucketName: "example-lookout-vision-models-111111111111" },
        { id: "experiments", bucketName: "example-lookout-vision-experiments-111111111111", prefix: "experiments/" },
      ],
      bucketSettings: { accessLogs: true },
      userPolicy: { attachToRoleNames: [TRAINER_ROLE] },
      tags: { project: "lookout-vision", "data-classification": "confidential" },
    });
  }
}

/** A key owned by a security account (222222222222), used by the workload account 333333333333. */
export class BringYourOwnKeyStack extends ExampleStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LookoutVisionEncryption(this, "Encryption", {
      region: "us-east-1",
      accountId: "333333333333",
      partition: "aws",
      key: { existingKeyArn: "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
      keyUserArns: [`arn:aws:iam::333333333333:role/${TRAINER_ROLE}`],
      outputBuckets: [{ id: "models", bucketName: "example-lookout-vision-models-333333333333" }],
      bucketSettings: { accessLogs: true },
      userPolicy: { attachToRoleNames: [TRAINER_ROLE] },
    });
  }
}

/** Two regions: a multi-region primary key in us-east-1 and its replica in eu-west-1, each with its console bucket. */
export class MultiRegionStack extends ExampleStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const common = {
      accountId: "444444444444",
      partition: "aws",
      keyUserArns: [`arn:aws:iam::444444444444:role/${TRAINER_ROLE}`],
      bucketSettings: { accessLogs: true },
    };
    const primary = new LookoutVisionEncryption(this, "Primary", {
      ...common,
      region: "us-east-1",
      key: { multiRegion: true },
      outputBuckets: [{ id: "models", bucketName: "example-lookout-vision-models-use1-444444444444" }],
      outputNamePrefix: "primary_",
    });
    new LookoutVisionEncryption(this, "Replica", {
      ...common,
      region: "eu-west-1",
      key: { replicaOf: primary.key },
      outputBuckets: [{ id: "models", bucketName: "example-lookout-vision-models-euw1-444444444444" }],
      outputNamePrefix: "replica_",
    });
  }
}

export const STACKS = {
  "lookout-vision-single-account": SingleAccountStack,
  "lookout-vision-bring-your-own-key": BringYourOwnKeyStack,
  "lookout-vision-multi-region": MultiRegionStack,
} as const;

export function buildApp(app: App = new App()): App {
  for (const [name, Stack] of Object.entries(STACKS)) new Stack(app, name);
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
