import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { buildApp, STACKS } from "../main";
import { describeDiagnostics, removeTempDirs, tempDir, tofuOk, validate, writeEngineOverride } from "./engine";
import { SynthJson } from "./helpers";

// The example app's stacks, as `cdktf synth` writes them, through a real Terraform engine:
// init, validate (no error, no warning), and an offline plan whose resources are exactly the
// synthesized ones.

interface PlannedChange {
  address: string;
  change: { actions: string[] };
}

const outdir = tempDir("engine-example-app");
buildApp(new App({ outdir })).synth();

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

afterAll(removeTempDirs);

describe.each(Object.keys(STACKS))("example stack %s through the engine", (name) => {
  const dir = stackDir(name);

  beforeAll(() => {
    writeEngineOverride(dir, stackJson(name));
    tofuOk(dir, ["init", "-input=false", "-no-color"]);
  });

  it("validates with no error and no warning", () => {
    const result = validate(dir);
    expect(describeDiagnostics(result)).toBe("");
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it("plans offline: every synthesized resource, to create, nothing else", () => {
    tofuOk(dir, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=tfplan"]);
    const plan = JSON.parse(tofuOk(dir, ["show", "-json", "tfplan"])) as { resource_changes: PlannedChange[] };
    const managed = plan.resource_changes.filter((c) => !c.address.startsWith("data."));
    expect(managed.length).toBeGreaterThan(0);
    expect(managed.map((c) => c.address).sort()).toEqual(synthesizedAddresses(stackJson(name)));
    expect(new Set(managed.flatMap((c) => c.change.actions))).toEqual(new Set(["create"]));
  });
});
