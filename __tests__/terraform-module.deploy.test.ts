import * as fs from "node:fs";
import * as path from "node:path";
import { GetPolicyCommand, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { DescribeKeyCommand, ListAliasesCommand } from "@aws-sdk/client-kms";
import { HeadBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { writeModule } from "../tools/terraform-module/build";
import { EXAMPLES, Example, PREVENT_DESTROY, exampleBlocks, teardownExample } from "../tools/terraform-module/examples";
import { renderFile } from "../tools/terraform-module/hcl-block";
import { buildModuleFiles } from "../tools/terraform-module/module-files";
import { MODULE_NAME } from "../tools/terraform-module/readme";
import { EXAMPLE_ACCOUNT } from "../tools/terraform-module/variables";
import { Emulator, EmulatorOptions } from "../tools/emulator";
import { DeployedState, deployedState, plannedConfiguration } from "./deployed-state";
import {
  apply,
  clients,
  Clients,
  createAttachedRoles,
  deploySideBySide,
  initOnEmulator,
  outputs,
  planChanges,
  refusedForPreventDestroy,
  SecondPlan,
  stateAddresses,
} from "./emulator";
import { tempDir, tofuAsync, tofuOkAsync } from "./engine";
import { SynthJson } from "./helpers";
import { namesWhatTheEmulatorHolds, READ_BACKS, ReadBack } from "./read-back";

// The Terraform module's complete and bring-your-own-key examples applied to the AWS emulator,
// each in its own copy of the module with an emulator of its own, side by side: the apply
// succeeds, a second plan shows no change, every output names what the emulator holds, every
// setting reads back through the AWS SDK as the configuration states it; `tofu destroy` is refused
// by prevent_destroy; the teardown each example's README gives (force_destroy applied,
// prevent_destroy turned off in the module copy, destroy) removes everything, objects included.

const DEPLOYED = ["complete", "bring-your-own-key"];
const REGION = "us-east-1";
const examples = DEPLOYED.map((name) => EXAMPLES.find((e) => e.name === name)!);
const files = buildModuleFiles();

/** What a check found in beforeAll, or the error it threw, rethrown by the test that reads it. */
type Found<T> = T | Error;
const found = <T>(promise: Promise<T>): Promise<Found<T>> => promise.catch((error: Error) => error);
function value<T>(result: Found<T>): T {
  if (result instanceof Error) throw result;
  return result;
}

interface Teardown {
  /** The buckets the example made, each holding an object when the teardown began. */
  readonly buckets: string[];
  /** `tofu apply` of the example with the teardown arguments. */
  readonly settingsApplied: string;
  /** How many `prevent_destroy = true` the module copy had, all turned off. */
  readonly turnedOff: number;
  /** `tofu state list` after `tofu destroy`. */
  readonly remaining: string[];
}

interface Deployed {
  readonly aws: Clients;
  /** The configuration as the second plan evaluated it, in the shape of synthesized JSON. */
  readonly json: SynthJson;
  readonly state: DeployedState;
  readonly addresses: string[];
  readonly secondPlan: SecondPlan;
  readonly outputs: Record<string, unknown>;
  readonly outputChecks: Found<string>[];
  readonly readBacks: Record<string, Found<ReadBack[]>>;
  readonly refusedDestroy: { readonly status: number | null; readonly refused: string[] | string; readonly stateAfter: string[] };
  readonly teardown: Found<Teardown>;
}

/**
 * The README's `tofu apply` and `tofu destroy`, without a refresh: the second plan has just
 * refreshed everything, and prevent_destroy and force_destroy act on the state and the
 * configuration, not on what a refresh reads (each refresh is some seconds on two loaded cores).
 */
const TEARDOWN_FLAGS = ["-auto-approve", "-refresh=false", "-input=false", "-no-color"];

/** A provider-only configuration, as initOnEmulator reads the example's provider blocks. */
const providersOf = (example: Example) => ({ provider: { aws: example.providers.map((p) => (p.alias ? { alias: p.alias } : {})) } });

/** The example's README teardown, step by step, after an object is put into every bucket. */
async function tearDown(example: Example, moduleDir: string, dir: string, state: DeployedState, aws: Clients): Promise<Teardown> {
  const buckets = [...state.resources.values()].filter((r) => r.type === "aws_s3_bucket").map((r) => r.values.bucket as string);
  for (const bucket of buckets) await aws.s3().send(new PutObjectCommand({ Bucket: bucket, Key: "kept/sample.txt", Body: "training image" }));
  fs.writeFileSync(path.join(dir, "main.tf"), renderFile(exampleBlocks(teardownExample(example))));
  const settingsApplied = await tofuOkAsync(dir, ["apply", ...TEARDOWN_FLAGS]);
  const moduleMain = path.join(moduleDir, "main.tf");
  const parts = fs.readFileSync(moduleMain, "utf8").split(PREVENT_DESTROY.on);
  fs.writeFileSync(moduleMain, parts.join(PREVENT_DESTROY.off));
  await tofuOkAsync(dir, ["destroy", ...TEARDOWN_FLAGS]);
  return { buckets, settingsApplied, turnedOff: parts.length - 1, remaining: await stateAddresses(dir) };
}

async function deploy(name: string, startOwn: (options: EmulatorOptions) => Promise<Emulator>): Promise<Deployed> {
  const example = examples.find((e) => e.name === name)!;
  const moduleDir = path.join(tempDir(`module-deploy-${example.name}`), MODULE_NAME);
  writeModule(moduleDir, files);
  const dir = path.join(moduleDir, "examples", example.name);
  const emulator = await startOwn({ account: EXAMPLE_ACCOUNT });
  const aws = clients(emulator);
  await initOnEmulator(dir, providersOf(example), emulator, { pinProvider: false });
  // Planned first, so the roles the plan attaches the user policy to exist before the apply.
  await tofuOkAsync(dir, ["plan", "-input=false", "-no-color", "-out=first.tfplan"]);
  await createAttachedRoles(await plannedConfiguration(dir, "first.tfplan"), aws);
  await apply(dir, ["first.tfplan"]);
  const secondPlan = await planChanges(dir, ["-out=second.tfplan"]);
  const [json, state, addresses, values] = await Promise.all([
    plannedConfiguration(dir, "second.tfplan"),
    deployedState(dir),
    stateAddresses(dir),
    outputs(dir),
  ]);
  // Read now: the teardown below removes what they read.
  const [outputChecks, readBacks] = await Promise.all([
    Promise.all(Object.entries(values).map(([output, v]) => found(namesWhatTheEmulatorHolds(output, v, aws, EXAMPLE_ACCOUNT)))),
    Promise.all(Object.entries(READ_BACKS).map(async ([what, read]) => [what, await found(read(json, state, aws, REGION))] as const)),
  ]);
  const refusal = await tofuAsync(dir, ["destroy", ...TEARDOWN_FLAGS]);
  const refused = refusedForPreventDestroy(refusal.stderr);
  // The whole output when nothing was refused: the destroy failed for another reason.
  const refusedDestroy = { status: refusal.status, refused: refused.length > 0 ? refused : refusal.stderr, stateAfter: await stateAddresses(dir) };
  const teardown = await found(tearDown(example, moduleDir, dir, state, aws));
  return {
    aws,
    json,
    state,
    addresses,
    secondPlan,
    outputs: values,
    outputChecks,
    readBacks: Object.fromEntries(readBacks),
    refusedDestroy,
    teardown,
  };
}

const deployedExample = deploySideBySide(
  examples.map((e) => e.name),
  deploy,
  (name) => `the ${name} example`,
);

// Reads through the proxy on a loaded 2-core machine: seconds, not milliseconds.
jest.setTimeout(60_000);

/** The error name an SDK call rejects with, or "found". */
async function missing(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "found",
    (error: Error) => error.name,
  );
}

describe.each(DEPLOYED)("module example %s on the AWS emulator", (name) => {
  it("applies every resource the plan made, and the second plan shows no change", () => {
    const { json, addresses, secondPlan } = deployedExample(name);
    expect(addresses).toEqual(
      Object.values(json.resource ?? {})
        .flatMap((byAddress) => Object.keys(byAddress))
        .sort(),
    );
    expect(addresses.length).toBeGreaterThan(0);
    expect(secondPlan.changed ? secondPlan.text : "no change").toBe("no change");
  });

  it("has every output the example declares, and each names what the emulator holds", () => {
    const { outputs: values, outputChecks } = deployedExample(name);
    expect(Object.keys(values).sort()).toEqual(Object.keys(EXAMPLES.find((e) => e.name === name)!.outputs).sort());
    expect(outputChecks.map(value).sort()).toEqual(Object.keys(values).sort());
  });

  it.each(Object.keys(READ_BACKS))("reads back %s as the configuration states it", (what) => {
    for (const { address, expected, actual } of value(deployedExample(name).readBacks[what]))
      expect({ address, value: actual }).toEqual({ address, value: expected });
  });

  it("refuses tofu destroy for every bucket (a key the module makes waits for its buckets), and destroys nothing", () => {
    const { refusedDestroy, addresses, state } = deployedExample(name);
    const expected = [...state.resources.values()]
      .filter((r) => r.type === "aws_s3_bucket")
      .map((r) => r.address)
      .sort();
    expect(expected.length).toBeGreaterThan(1);
    expect(refusedDestroy).toEqual({ status: 1, refused: expected, stateAfter: addresses });
  });

  it("is torn down by its README's steps: force_destroy applied in place, prevent_destroy turned off, destroy empties and removes every bucket", async () => {
    const { aws, state } = deployedExample(name);
    const teardown = value(deployedExample(name).teardown);
    expect(teardown.turnedOff).toBeGreaterThan(0);
    expect(teardown.settingsApplied).toContain(`Apply complete! Resources: 0 added, ${teardown.buckets.length} changed, 0 destroyed.`);
    expect(teardown.remaining).toEqual([]);
    expect(teardown.buckets.length).toBeGreaterThan(0);
    for (const bucket of teardown.buckets)
      expect({ bucket, head: await missing(aws.s3().send(new HeadBucketCommand({ Bucket: bucket }))) }).toEqual({ bucket, head: "NotFound" });
    for (const policy of [...state.resources.values()].filter((r) => r.type === "aws_iam_policy")) {
      expect(await missing(aws.iam().send(new GetPolicyCommand({ PolicyArn: policy.values.arn as string })))).toBe("NoSuchEntityException");
    }
    // The roles are not the example's: they stay, with nothing attached.
    for (const attachment of [...state.resources.values()].filter((r) => r.type === "aws_iam_role_policy_attachment")) {
      const attached = await aws.iam().send(new ListAttachedRolePoliciesCommand({ RoleName: attachment.values.role as string }));
      expect(attached.AttachedPolicies).toEqual([]);
    }
  });
});

describe("the complete example's key after the teardown", () => {
  it("is scheduled for deletion and its alias is gone", async () => {
    const { aws, state } = deployedExample("complete");
    const keys = [...state.resources.values()].filter((r) => r.type === "aws_kms_key");
    expect(keys).toHaveLength(1);
    const described = await aws.kms().send(new DescribeKeyCommand({ KeyId: keys[0].values.arn as string }));
    expect({ state: described.KeyMetadata?.KeyState, deletion: described.KeyMetadata?.DeletionDate instanceof Date }).toEqual({
      state: "PendingDeletion",
      deletion: true,
    });
    const aliases = ((await aws.kms().send(new ListAliasesCommand({}))).Aliases ?? []).map((a) => a.AliasName);
    for (const alias of [...state.resources.values()].filter((r) => r.type === "aws_kms_alias")) expect(aliases).not.toContain(alias.values.name);
  });
});
