import * as fs from "node:fs";
import * as path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { toBeValidTerraform } from "cdktf/lib/testing/matchers";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LookoutVisionEncryption, LookoutVisionEncryptionProps } from "../modules/lookout-vision-encryption";
import { REKOGNITION_CUSTOM_LABELS } from "../modules/service-profile";
import { engine, writeEngineOverride } from "./engine";

// cdktf's own matchers (`toBeValidTerraform`, `toPlanSuccessfully`) run the binary named by
// TERRAFORM_BINARY_NAME, which __tests__/engine-env.ts points at the engine. The common set-ups of
// the constructs share a stack, each under its own scope (one engine start per check instead of
// one per set-up; a diagnostic names the set-up in its resource address). Those whose plan needs
// no AWS call are planned too.

const ACCOUNT = "111111111111";
const ENV = { region: "us-east-1", accountId: ACCOUNT, partition: "aws" };
const USER = `arn:aws:iam::${ACCOUNT}:role/Trainer`;

/** One set-up; `id` keeps names (buckets, aliases, policies, outputs) apart from the others'. */
function encryption(scope: Construct, id: string, props: Partial<LookoutVisionEncryptionProps> = {}): LookoutVisionEncryption {
  return new LookoutVisionEncryption(scope, id, {
    ...ENV,
    keyUserArns: [USER],
    key: { alias: `alias/engine-test-${id.toLowerCase()}` },
    consoleBucket: { suffix: `${id.toLowerCase()}-${ACCOUNT}` },
    outputBuckets: [{ id: "models", bucketName: `engine-test-${id.toLowerCase()}-models-${ACCOUNT}` }],
    userPolicy: { attachToRoleNames: ["Trainer"], namePrefix: `EngineTest${id}` },
    outputNamePrefix: `${id.toLowerCase()}_`,
    ...props,
  });
}

/** Set-ups whose plan runs offline. */
const PLANNABLE: Record<string, (scope: Construct) => void> = {
  "a new key, console bucket, output bucket and user policy": (s) => encryption(s, "NewKey"),
  "a bring-your-own key": (s) =>
    encryption(s, "Byok", { key: { existingKeyArn: `arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab` } }),
  "a multi-region primary key and its replica": (s) => {
    const primary = encryption(s, "Primary", { key: { multiRegion: true, alias: "alias/engine-test-primary" } });
    encryption(s, "Replica", { region: "eu-west-1", key: { replicaOf: primary.key, alias: "alias/engine-test-replica" } });
  },
  "the Rekognition Custom Labels profile": (s) => encryption(s, "Rekognition", { profile: REKOGNITION_CUSTOM_LABELS }),
};

/** Set-ups that read AWS at plan time: validated only. */
const VALIDATE_ONLY: Record<string, (scope: Construct) => void> = {
  // The data sources call STS and read the region at plan time.
  "a new key with account, region and partition read from data sources": (s) =>
    new LookoutVisionEncryption(s, "FromDataSources", {
      keyUserArns: [USER],
      outputBuckets: [{ id: "models", bucketName: `engine-test-data-sources-${ACCOUNT}` }],
    }),
  // Importing reads the bucket from AWS at plan time.
  "an existing console bucket adopted with an import block": (s) => encryption(s, "Adopted", { consoleBucket: { importExisting: true } }),
};

/** A full synth of one stack holding every set-up, plus the engine override in its folder. */
function synthForEngine(setups: Record<string, (scope: Construct) => void>): string {
  const stack = new TerraformStack(Testing.app(), "engine-test");
  new AwsProvider(stack, "aws", { region: ENV.region });
  for (const build of Object.values(setups)) build(stack);
  const outdir = Testing.fullSynth(stack);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }>;
  };
  for (const entry of Object.values(manifest.stacks)) {
    writeEngineOverride(
      path.join(outdir, entry.workingDirectory),
      JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")) as object,
    );
  }
  return outdir;
}

describe("cdktf matchers through the engine", () => {
  it("run the engine's tofu", () => {
    expect(process.env.TERRAFORM_BINARY_NAME).toBe(engine().tofu);
  });

  it(`validate: ${[...Object.keys(PLANNABLE), ...Object.keys(VALIDATE_ONLY)].join("; ")}`, () => {
    expect(synthForEngine({ ...PLANNABLE, ...VALIDATE_ONLY })).toBeValidTerraform();
  });

  it(`plan offline: ${Object.keys(PLANNABLE).join("; ")}`, () => {
    expect(synthForEngine(PLANNABLE)).toPlanSuccessfully();
  });

  it("toBeValidTerraform fails on an invalid stack (the matcher really runs the engine)", () => {
    const outdir = synthForEngine({ "a new key": (s) => encryption(s, "NewKey") });
    const stackFile = path.join(outdir, "stacks", "engine-test", "cdk.tf.json");
    const json = JSON.parse(fs.readFileSync(stackFile, "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const [firstKey] = Object.values(json.resource.aws_kms_key);
    firstKey.no_such_argument = true;
    fs.writeFileSync(stackFile, JSON.stringify(json));
    // Called directly for its message: init went through and validate found exactly this error.
    const result = toBeValidTerraform(outdir);
    expect(result.pass).toBe(false);
    expect(result.message).toMatch(/"error_count": 1,/);
    expect(result.message).toMatch(/No argument or block type is named \\"no_such_argument\\"/);
  });
});
