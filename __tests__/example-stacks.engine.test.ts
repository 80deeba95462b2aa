import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { buildApp, STACKS } from "../main";
import {
  describeDiagnostics,
  planAsync,
  PlanStream,
  removeTempDirs,
  tempDir,
  tofuOkAsync,
  validateAsync,
  ValidateResult,
  writeEngineOverride,
} from "./engine";
import { SynthJson } from "./helpers";

// The example app's stacks, as `cdktf synth` writes them, through a real Terraform engine:
// init, validate (no error, no warning), and an offline plan whose resources are exactly the
// synthesized ones. The stacks go through the engine side by side, in beforeAll.

const outdir = tempDir("engine-example-app");
buildApp(new App({ outdir })).synth();
const names = Object.keys(STACKS);

function stackDir(name: string): string {
  return path.join(outdir, "stacks", name);
}

function stackJson(name: string): SynthJson {
  return JSON.parse(fs.readFileSync(path.join(stackDir(name), "cdk.tf.json"), "utf8")) as SynthJson;
}

/** `type.name` of every resource the stack synthesizes (none uses count or for_each). */
function synthesizedAddresses(json: SynthJson): string[] {
  return Object.entries(json.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

const results: Record<string, { validation: ValidateResult; plan: PlanStream }> = {};

beforeAll(async () => {
  await Promise.all(
    names.map(async (name) => {
      const dir = stackDir(name);
      writeEngineOverride(dir, stackJson(name));
      await tofuOkAsync(dir, ["init", "-input=false", "-no-color"]);
      results[name] = { validation: await validateAsync(dir), plan: await planAsync(dir) };
    }),
  );
}, 300_000);

afterAll(removeTempDirs);

describe.each(names)("example stack %s through the engine", (name) => {
  it("validates with no error and no warning", () => {
    const { validation } = results[name];
    expect(describeDiagnostics(validation)).toBe("");
    expect(validation).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it("plans offline with no diagnostic: every synthesized resource, to create, nothing else", () => {
    const { plan } = results[name];
    expect(describeDiagnostics(plan)).toBe("");
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(plan.changes.map((c) => c.address).sort()).toEqual(synthesizedAddresses(stackJson(name)));
    expect(new Set(plan.changes.map((c) => c.action))).toEqual(new Set(["create"]));
  });
});
