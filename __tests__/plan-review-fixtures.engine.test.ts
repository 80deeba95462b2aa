import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { buildApp } from "../main";
import { readPlan } from "../cli/plan-review/plan-json";
import { reviewPlans } from "../cli/plan-review/review";
import { FIXTURES, FixtureManifest, generate } from "../tools/plan-fixtures";
import { removeTempDirs, shareConfiguredProvider, tempDir, tofuOk, writeEngineOverride } from "./engine";
import { SynthJson } from "./helpers";

// The plan fixtures are what tools/plan-fixtures.ts makes with the engine on the AWS emulator:
// two cases are made again here (each applied to an emulator of its own, side by side) and must
// match the checked-in files byte for byte, so the emulator's identifiers must be the same on
// every run. And the review reads a complete plan of the example app, as `tofu show -json` prints it.

afterAll(removeTempDirs);

// A plan that errors and one that does not, both with key IDs and ARNs the emulator made.
const REMADE = ["key-policy-principal-added", "errored-protected-key-replace"];

describe("plan fixtures made again by tools/plan-fixtures.ts", () => {
  const out = tempDir("plan-fixtures-again");
  let manifest: FixtureManifest;
  beforeAll(async () => {
    manifest = await generate(REMADE, out, () => undefined);
  }, 600_000);

  it.each(REMADE)("%s: configurations and plan byte-identical to the checked-in ones", (name) => {
    for (const file of [`${name}.json`, path.join("before", "stacks", name, "cdk.tf.json"), path.join("after", "stacks", name, "cdk.tf.json")]) {
      expect(`${file}:\n${fs.readFileSync(path.join(out, file), "utf8")}`).toBe(`${file}:\n${fs.readFileSync(path.join(FIXTURES, file), "utf8")}`);
    }
    const checkedIn = JSON.parse(fs.readFileSync(path.join(FIXTURES, "manifest.json"), "utf8")) as typeof manifest;
    expect(manifest.cases[name]).toEqual(checkedIn.cases[name]);
  });
});

describe("plan review of a complete plan of the example app", () => {
  it("reads it, counts every resource to create, and finds no risk in a first deployment", async () => {
    const outdir = tempDir("plan-review-example");
    buildApp(new App({ outdir })).synth();
    const dir = path.join(outdir, "stacks", "lookout-vision-single-account");
    const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as SynthJson;
    writeEngineOverride(dir, json);
    tofuOk(dir, ["init", "-input=false", "-no-color"]);
    await shareConfiguredProvider(dir, json);
    tofuOk(dir, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=tfplan"]);
    const text = tofuOk(dir, ["show", "-json", "tfplan"]);
    const plan = readPlan("lookout-vision-single-account.json", text);
    expect(Object.keys(JSON.parse(text))).toEqual(expect.arrayContaining(["planned_values", "prior_state", "configuration", "resource_changes"]));
    const review = reviewPlans([{ stack: "lookout-vision-single-account", plan, configs: { after: json } }]);
    const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(review.stacks[0].counts).toEqual({ create: resources, update: 0, replace: 0, delete: 0, forget: 0 });
    expect(review.risks).toEqual([]);
  }, 300_000);
});
