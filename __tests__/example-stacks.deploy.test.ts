import * as fs from "node:fs";
import * as path from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { App } from "cdktf";
import { buildApp, STACKS } from "../main";
import { Emulator, EmulatorOptions } from "../tools/emulator";
import { DeployedState, deployedState } from "./deployed-state";
import {
  apply,
  clients,
  Clients,
  createAttachedRoles,
  deploySideBySide,
  initOnEmulator,
  outputs,
  planChanges,
  SecondPlan,
  stateAddresses,
} from "./emulator";
import { tempDir } from "./engine";
import { SynthJson } from "./helpers";
import { namesWhatTheEmulatorHolds, READ_BACKS } from "./read-back";

// Every stack of the example app applied to the AWS emulator (each with an emulator of its own,
// side by side): the apply succeeds, a second plan shows no change, every output names what the
// emulator holds, every setting reads back through the AWS SDK as synthesized, and data put
// with no encryption headers is stored encrypted with the stack's key.

type StackName = keyof typeof STACKS;

/** The account each example stack names (main.ts): the emulator acts in it. */
const ACCOUNTS: Record<StackName, string> = {
  "lookout-vision-single-account": "111111111111",
  "lookout-vision-bring-your-own-key": "333333333333",
  "lookout-vision-multi-region": "444444444444",
};
const REGION = "us-east-1";

const outdir = tempDir("deploy-example-app");
buildApp(new App({ outdir })).synth();
const names = Object.keys(STACKS) as StackName[];

interface Deployed {
  readonly json: SynthJson;
  readonly emulator: Emulator;
  readonly aws: Clients;
  readonly secondPlan: SecondPlan;
  readonly state: DeployedState;
  readonly addresses: string[];
  readonly outputs: Record<string, unknown>;
}

async function deploy(name: string, startOwn: (options: EmulatorOptions) => Promise<Emulator>): Promise<Deployed> {
  const dir = path.join(outdir, "stacks", name);
  const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as SynthJson;
  const emulator = await startOwn({ account: ACCOUNTS[name as StackName] });
  const aws = clients(emulator);
  await createAttachedRoles(json, aws);
  await initOnEmulator(dir, json, emulator, { pinProvider: true });
  await apply(dir);
  return {
    json,
    emulator,
    aws,
    secondPlan: await planChanges(dir),
    state: await deployedState(dir),
    addresses: await stateAddresses(dir),
    outputs: await outputs(dir),
  };
}

const stack = deploySideBySide(names, deploy, (name) => name);

// Reads through the proxy on a loaded 2-core machine: seconds, not milliseconds.
jest.setTimeout(60_000);

function synthesizedAddresses(json: SynthJson): string[] {
  return Object.entries(json.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((resource) => `${type}.${resource}`))
    .sort();
}

describe.each(names)("example stack %s on the AWS emulator", (name) => {
  it("applies every synthesized resource", () => {
    const { json, addresses } = stack(name);
    expect(addresses).toEqual(synthesizedAddresses(json));
  });

  it("shows no change on the second plan", () => {
    const { secondPlan } = stack(name);
    expect(secondPlan.changed ? secondPlan.text : "no change").toBe("no change");
  });

  it("has every synthesized output, and each names what the emulator holds", async () => {
    const { json, outputs: values, aws } = stack(name);
    expect(Object.keys(values).sort()).toEqual(Object.keys(json.output ?? {}).sort());
    for (const [output, value] of Object.entries(values)) {
      await expect(namesWhatTheEmulatorHolds(output, value, aws, ACCOUNTS[name])).resolves.toBe(output);
    }
  });

  it.each(Object.keys(READ_BACKS) as (keyof typeof READ_BACKS)[])("reads back %s as synthesized", async (what) => {
    const { json, state, aws } = stack(name);
    const readBacks = await READ_BACKS[what](json, state, aws, REGION);
    for (const { address, expected, actual } of readBacks) expect({ address, value: actual }).toEqual({ address, value: expected });
  });

  it("stores data put with no encryption headers encrypted with the stack's key, and reads it back byte for byte", async () => {
    const { json, state, aws } = stack(name);
    const encryption = state.configured(json, "aws_s3_bucket_server_side_encryption_configuration").filter(([, config]) => {
      const rule = (config.rule as Record<string, unknown>[])[0];
      return (rule.apply_server_side_encryption_by_default as Record<string, unknown>).sse_algorithm === "aws:kms";
    });
    expect(encryption.length).toBeGreaterThan(0);
    const body = Buffer.from(`training image ${name}\n\u0000\u00ff`, "latin1");
    for (const [, config] of encryption) {
      const s3 = aws.s3(typeof config.region === "string" ? config.region : REGION);
      const bucket = config.bucket as string;
      const keyArn = ((config.rule as Record<string, unknown>[])[0].apply_server_side_encryption_by_default as Record<string, unknown>)
        .kms_master_key_id;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "images/sample.bin", Body: body }));
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "images/sample.bin" }));
      expect({ bucket, sse: head.ServerSideEncryption, key: head.SSEKMSKeyId, bucketKey: head.BucketKeyEnabled }).toEqual({
        bucket,
        sse: "aws:kms",
        key: keyArn,
        bucketKey: true,
      });
      const read = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "images/sample.bin" }));
      expect(Buffer.from(await read.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
  });
});
