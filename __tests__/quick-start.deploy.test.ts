import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { Emulator, OVERRIDE_FILE, startEmulator } from "../tools/emulator";
import { engineEnv } from "../tools/engine";
import { node22Tools } from "../tools/node22";
import { stageFlavour } from "../tools/pack";
import { CDKTF, FLAVOURS, flavourName, readPackage, ROOT } from "../tools/pack-flavours";
import { buildOnce } from "./once-per-run";
import {
  clients,
  Clients,
  createAttachedRoles,
  emulatorEngineOverride,
  outputs,
  planChanges,
  refusedForPreventDestroy,
  SecondPlan,
  stateAddresses,
} from "./emulator";
import { engine, removeTempDirs, runAsync, shareConfiguredProvider, sharedProviderEnv, tempDir, tofuAsync, TofuResult } from "./engine";
import { SynthJson } from "./helpers";
import { quickStart } from "./package-readme";
import { namesWhatTheEmulatorHolds } from "./read-back";

// The README's quick start deployed as a user deploys it, with the real CLI of the engine the
// suite runs on (cdktf; cdktn in `npm run test:cdktn`) and the engine's tofu as its Terraform
// binary: `synth`, the emulator override copied next to the synthesized stack, `deploy` (which
// synthesizes again and keeps the override), a second plan with no change, every output naming
// what the emulator holds; then `destroy`, refused by prevent_destroy, nothing destroyed (and tofu's
// own destroy in the stack folder refused for the same resources).

/** The engine the suite runs on: `globals` of jest.config.js, or of tools/cdktn-test.ts. */
declare const expectedEngine: string;

const flavour = FLAVOURS.find((f) => f.engine === expectedEngine) ?? CDKTF;
const packageName = flavourName(readPackage(ROOT), flavour);
const STACK = "vision";
/** The account the quick start's ARNs name: the emulator acts in it. */
const ACCOUNT = "111111111111";
/**
 * `--skip-provider-lock`: with no lock file in the stack folder the CLI runs
 * `providers lock -platform=linux_amd64`, which asks the registry (unreachable here) even when
 * `tofu init` installed the provider from the engine's mirror; init writes the lock file anyway.
 */
const CLI_FLAGS = ["--auto-approve", "--skip-provider-lock"];

/**
 * Whether the CLI's output holds all of tofu's. cdktf-cli 0.21 runs tofu in a pseudo-terminal
 * (node-pty) and stops reading it at tofu's exit, so the last lines, tofu's errors, are now and then
 * lost (often on a loaded machine); cdktn-cli reads pipes to their end.
 */
const CLI_RELAYS_ERRORS = flavour !== CDKTF;

/**
 * The flavour's CLI: cdktf-cli on this Node, or cdktn-cli on Node 22 (it needs 22.19 or later);
 * the tofu it runs in the stack's folder attaches to that folder's shared provider.
 */
function cli(stackDir?: string): { command: string; env: NodeJS.ProcessEnv } {
  const paths = engine();
  const env = { ...engineEnv(paths), TERRAFORM_BINARY_NAME: paths.tofu, ...(stackDir ? sharedProviderEnv(stackDir) : {}) };
  if (flavour === CDKTF) return { command: path.join(ROOT, "node_modules", ".bin", "cdktf"), env };
  const tools = node22Tools();
  return { command: tools.cdktn, env: { ...env, PATH: tools.path } };
}

/**
 * A user's app: the quick start (compiled as tsc would), cdktf.json, and in node_modules the package
 * as published (from dist/, which beforeAll builds) beside links to this repository's engine,
 * provider bindings and constructs (one copy of each, so tokens resolve across them).
 */
function writeApp(dir: string): void {
  const code = ts.transpileModule(quickStart(packageName), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  fs.writeFileSync(path.join(dir, "main.js"), code);
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node main.js", sendCrashReports: "false" }));
  stageFlavour(ROOT, flavour, path.join(dir, "node_modules", packageName));
  for (const name of [flavour.engine, flavour.providerPackage, "constructs"]) {
    fs.mkdirSync(path.dirname(path.join(dir, "node_modules", name)), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules", name), path.join(dir, "node_modules", name), "dir");
  }
}

interface Deployed {
  readonly json: SynthJson;
  readonly aws: Clients;
  readonly deploy: TofuResult;
  readonly overrideKept: boolean;
  readonly addresses: string[];
  readonly secondPlan: SecondPlan;
  readonly outputs: Record<string, unknown>;
  /** `destroy` by the CLI. */
  readonly destroy: TofuResult;
  /** `tofu destroy` in the stack folder afterwards: the engine's own words for the refusal. */
  readonly tofuDestroy: TofuResult;
  readonly addressesAfterDestroy: string[];
}

let deployed: Deployed | undefined;
let emulator: Emulator | undefined;

async function cliOk(app: string, args: string[], stackDir?: string): Promise<TofuResult> {
  const { command, env } = cli(stackDir);
  const result = await runAsync(command, args, { cwd: app, env });
  if (result.status !== 0) throw new Error(`${flavour.engine} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

beforeAll(async () => {
  await buildOnce();
  const app = tempDir(`quick-start-${flavour.engine}`);
  writeApp(app);
  emulator = await startEmulator({ account: ACCOUNT });
  await cliOk(app, ["synth"]);
  const stackDir = path.join(app, "cdktf.out", "stacks", STACK);
  const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as SynthJson;
  const aws = clients(emulator);
  await createAttachedRoles(json, aws);
  // The engine's override (its provider build, whose version the stack's exact pin names
  // otherwise) with the emulator's settings, where `npm run emulator`'s override goes.
  fs.writeFileSync(path.join(stackDir, OVERRIDE_FILE), JSON.stringify(emulatorEngineOverride(json, emulator, { pinProvider: true }), null, 2));
  await shareConfiguredProvider(stackDir, json);
  const deploy = await cliOk(app, ["deploy", ...CLI_FLAGS], stackDir);
  const overrideKept = fs.existsSync(path.join(stackDir, OVERRIDE_FILE));
  const [addresses, secondPlan, values] = await Promise.all([stateAddresses(stackDir), planChanges(stackDir), outputs(stackDir)]);
  const { command, env } = cli(stackDir);
  const destroy = await runAsync(command, ["destroy", ...CLI_FLAGS], { cwd: app, env });
  const tofuDestroy = await tofuAsync(stackDir, ["destroy", "-auto-approve", "-refresh=false", "-input=false", "-no-color"]);
  deployed = {
    json,
    aws,
    deploy,
    overrideKept,
    addresses,
    secondPlan,
    outputs: values,
    destroy,
    tofuDestroy,
    addressesAfterDestroy: await stateAddresses(stackDir),
  };
}, 600_000);

afterAll(async () => {
  await emulator?.stop();
  removeTempDirs();
});

// Reads through the proxy on a loaded 2-core machine: seconds, not milliseconds.
jest.setTimeout(60_000);

function quickStartStack(): Deployed {
  if (!deployed) throw new Error("the quick start was not deployed (see beforeAll's error)");
  return deployed;
}

function synthesizedAddresses(json: SynthJson): string[] {
  return Object.entries(json.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

describe(`the README's quick start, deployed with ${flavour.engine} deploy on the AWS emulator`, () => {
  it("deploys every synthesized resource, the override kept through deploy's own synth", () => {
    const { json, addresses, overrideKept, deploy } = quickStartStack();
    expect(overrideKept).toBe(true);
    expect(deploy.stdout).toContain("Apply complete!");
    expect(addresses).toEqual(synthesizedAddresses(json));
  });

  it("shows no change on the second plan", () => {
    const { secondPlan } = quickStartStack();
    expect(secondPlan.changed ? secondPlan.text : "no change").toBe("no change");
  });

  it("has every synthesized output, and each names what the emulator holds", async () => {
    const { json, outputs: values, aws } = quickStartStack();
    expect(Object.keys(values).sort()).toEqual(Object.keys(json.output ?? {}).sort());
    for (const [output, value] of Object.entries(values)) await expect(namesWhatTheEmulatorHolds(output, value, aws, ACCOUNT)).resolves.toBe(output);
  });

  it(`refuses ${flavour.engine} destroy: prevent_destroy on every bucket (the key waits for its buckets), nothing destroyed`, () => {
    const { json, destroy, tofuDestroy, addresses, addressesAfterDestroy } = quickStartStack();
    const prevented = synthesizedAddresses(json).filter((address) => {
      const [type, name] = address.split(".");
      return (json.resource![type][name].lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true;
    });
    expect(prevented).toEqual(synthesizedAddresses(json).filter((address) => /^aws_(kms_key|s3_bucket)\./.test(address)));
    const buckets = prevented.filter((address) => address.startsWith("aws_s3_bucket."));
    expect(buckets.length).toBeGreaterThan(1);
    const cliOutput = `${destroy.stdout}\n${destroy.stderr}`;
    expect({ status: destroy.status, failed: cliOutput.includes("Invoking Terraform CLI failed with exit code 1") }).toEqual({
      status: 1,
      failed: true,
    });
    expect(tofuDestroy.status).toBe(1);
    expect(addressesAfterDestroy).toEqual(addresses);
    // Why, in the CLI's output where it relays all of tofu's, and in tofu's own destroy of the stack folder.
    for (const output of [...(CLI_RELAYS_ERRORS ? [cliOutput] : []), tofuDestroy.stderr]) {
      const refused = refusedForPreventDestroy(output);
      // The whole output when nothing was refused: the destroy failed for another reason.
      expect(refused.length > 0 ? refused : output).toEqual(buckets);
    }
  });
});
