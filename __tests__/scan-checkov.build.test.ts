import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Testing } from "cdktf";
import { buildApp } from "../main";
import { CHECKOV_SKIPS, CheckovSkip, checkovSkipsFor } from "../tools/checkov-skips";
import { RULES, RULE_IDS } from "../modules/posture/rules";
import { ScanTarget } from "../cli/posture-report/scan-results";
import { writeModule } from "../tools/terraform-module/build";
import { Checkov, ensureCheckov } from "../tools/scan-checkov";
import { scanTarget } from "../tools/scan";
import { Target, findTargets, resourceAddress, targetJson, targetResources } from "../tools/scan-targets";

/**
 * checkov itself (installed into the cache on first use, which takes a minute) on the example
 * app as `cdktf synth` writes it and on the Terraform module with its examples.
 */

const MINUTES = 60_000;
const dir = mkdtempSync(join(tmpdir(), "scan-checkov-"));
let checkov: Checkov;
let targets: Target[];
let results: ScanTarget[];

async function scanAll(of: readonly Target[]): Promise<ScanTarget[]> {
  const scanned: ScanTarget[] = [];
  for (const target of of) scanned.push(await scanTarget(checkov, target));
  return scanned;
}

beforeAll(async () => {
  checkov = ensureCheckov();
  buildApp(Testing.app({ outdir: join(dir, "cdktf.out") })).synth();
  writeModule(join(dir, "terraform-module"));
  targets = findTargets(join(dir, "cdktf.out"), join(dir, "terraform-module"));
  results = await scanAll(targets);
}, 15 * MINUTES);

/** Does a skipped result come from this entry: same check, and a resource the entry covers? */
async function usesSkip(skip: CheckovSkip): Promise<boolean> {
  for (const [i, target] of targets.entries()) {
    const resources = targetResources(await targetJson(target));
    for (const skipped of results[i].skipped.filter((s) => s.check === skip.check && s.reason === skip.reason)) {
      const found = resourceAddress(skipped.resource, resources);
      if (
        found &&
        checkovSkipsFor({ resourceType: found.type, receivesAccessLogs: resources.accessLogBuckets.has(`${found.type}.${found.name}`) }).includes(
          skip,
        )
      )
        return true;
    }
  }
  return false;
}

describe("checkov on the example app and the Terraform module", () => {
  it("scans every stack of the example app and the module", () => {
    expect(targets.map((t) => t.name)).toEqual([
      "stack lookout-vision-bring-your-own-key",
      "stack lookout-vision-multi-region",
      "stack lookout-vision-single-account",
      "module",
    ]);
    for (const result of results) expect(result.checks.length).toBeGreaterThan(15);
  });

  it("finds no failure that the skip table does not explain", () => {
    expect(results.map((r) => ({ target: r.name, error: r.error, failed: r.failed.map((f) => `${f.check} ${f.resource}`) }))).toEqual(
      results.map((r) => ({ target: r.name, error: undefined, failed: [] })),
    );
  });

  it.each(CHECKOV_SKIPS.map((s) => [`${s.check} on ${s.scope === "access log buckets" ? "access log buckets" : s.resourceType}`, s] as const))(
    "skip %s still covers a check that fails (else remove it from CHECKOV_SKIPS)",
    async (_name, skip) => {
      expect(await usesSkip(skip)).toBe(true);
    },
  );

  it("runs every checkov check the rule map names, on our resources", () => {
    const ran = new Set(results.flatMap((r) => r.checks));
    expect(RULE_IDS.flatMap((id) => RULES[id].checkov).filter((check) => !ran.has(check))).toEqual([]);
  });

  it("reads the module's skips from its #checkov:skip comments, each one the table holds", () => {
    const [module] = results.filter((r) => r.name === "module");
    expect(module.skipped.length).toBeGreaterThan(0);
    expect(module.skipped.filter((s) => s.by !== "comment")).toEqual([]);
  });
});
