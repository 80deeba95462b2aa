import * as fs from "node:fs";
import * as path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LookoutVisionEncryption, LookoutVisionEncryptionProps } from "../modules/lookout-vision-encryption";
import { REKOGNITION_CUSTOM_LABELS } from "../modules/service-profile";
import { engine, writeEngineOverride } from "./engine";

// cdktf's own matchers (`toBeValidTerraform`, `toPlanSuccessfully`) run the binary named by
// TERRAFORM_BINARY_NAME, which __tests__/engine-env.ts points at the engine. Each common set-up
// of the constructs is validated; those whose plan needs no AWS call are also planned.

const ACCOUNT = "111111111111";
const ENV = { region: "us-east-1", accountId: ACCOUNT, partition: "aws" };
const USER = `arn:aws:iam::${ACCOUNT}:role/Trainer`;
const BASE: LookoutVisionEncryptionProps = {
  ...ENV,
  keyUserArns: [USER],
  outputBuckets: [{ id: "models", bucketName: `engine-test-models-${ACCOUNT}` }],
  userPolicy: { attachToRoleNames: ["Trainer"] },
};

/** A full synth of one stack with the AWS provider, plus the engine override in its folder. */
function synthForEngine(build: (stack: TerraformStack) => void): string {
  const stack = new TerraformStack(Testing.app(), "engine-test");
  new AwsProvider(stack, "aws", { region: ENV.region });
  build(stack);
  const outdir = Testing.fullSynth(stack);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }> };
  for (const entry of Object.values(manifest.stacks)) {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")) as object;
    writeEngineOverride(path.join(outdir, entry.workingDirectory), json);
  }
  return outdir;
}

const SETUPS: [string, (stack: TerraformStack) => void, { plans: boolean }][] = [
  ["a new key, console bucket, output bucket and user policy", (s) => new LookoutVisionEncryption(s, "Encryption", BASE), { plans: true }],
  [
    "a new key with account, region and partition read from data sources",
    (s) => new LookoutVisionEncryption(s, "Encryption", { keyUserArns: [USER], outputBuckets: BASE.outputBuckets }),
    // The data sources call STS and the EC2 metadata at plan time: validate only.
    { plans: false },
  ],
  [
    "a bring-your-own key",
    (s) => new LookoutVisionEncryption(s, "Encryption", { ...BASE, key: { existingKeyArn: `arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab` } }),
    { plans: true },
  ],
  [
    "a multi-region primary key and its replica",
    (s) => {
      const primary = new LookoutVisionEncryption(s, "Primary", { ...BASE, key: { multiRegion: true }, outputNamePrefix: "primary_" });
      new LookoutVisionEncryption(s, "Replica", {
        ...BASE,
        region: "eu-west-1",
        key: { replicaOf: primary.key },
        outputBuckets: [{ id: "models", bucketName: `engine-test-models-euw1-${ACCOUNT}` }],
        outputNamePrefix: "replica_",
      });
    },
    { plans: true },
  ],
  [
    "an existing console bucket adopted with an import block",
    (s) => new LookoutVisionEncryption(s, "Encryption", { ...BASE, consoleBucket: { importExisting: true } }),
    // Importing reads the bucket from AWS at plan time: validate only.
    { plans: false },
  ],
  ["the Rekognition Custom Labels profile", (s) => new LookoutVisionEncryption(s, "Encryption", { ...BASE, profile: REKOGNITION_CUSTOM_LABELS }), { plans: true }],
];

describe("cdktf matchers through the engine", () => {
  it("run the engine's tofu", () => {
    expect(process.env.TERRAFORM_BINARY_NAME).toBe(engine().tofu);
  });

  it.each(SETUPS)("%s: toBeValidTerraform", (_name, build) => {
    expect(synthForEngine(build)).toBeValidTerraform();
  });

  it.each(SETUPS.filter(([, , { plans }]) => plans))("%s: toPlanSuccessfully", (_name, build) => {
    expect(synthForEngine(build)).toPlanSuccessfully();
  });

  it("toBeValidTerraform fails on an invalid stack (the matcher really runs the engine)", () => {
    const outdir = synthForEngine((s) => new LookoutVisionEncryption(s, "Encryption", BASE));
    const stackFile = path.join(outdir, "stacks", "engine-test", "cdk.tf.json");
    const json = JSON.parse(fs.readFileSync(stackFile, "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const [firstKey] = Object.values(json.resource.aws_kms_key);
    firstKey.no_such_argument = true;
    fs.writeFileSync(stackFile, JSON.stringify(json));
    expect(outdir).not.toBeValidTerraform();
  });
});
