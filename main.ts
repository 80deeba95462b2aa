import { App, Aspects, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LookoutVisionEncryption } from "./modules/lookout-vision-encryption";
import { EncryptionPosture } from "./modules/posture/encryption-posture";

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

/** A stack with the AWS provider and the encryption posture check: synth fails on an error finding. */
class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleStackOptions = {}) {
    super(scope, id);
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
