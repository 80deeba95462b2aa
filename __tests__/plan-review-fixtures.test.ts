import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runPlanReview } from "../cli/plan-review/cli";
import { readPlan } from "../cli/plan-review/plan-json";
import { Risk, StackInput, reviewPlans } from "../cli/plan-review/review";
import { RISK_RULES, RiskRuleId } from "../cli/plan-review/rules";
import { TerraformJson } from "../modules/private/terraform-json";
import { FIXTURES, FixtureManifest, configText, digest, fixtureCases } from "../tools/plan-fixtures";
import { motoVersion } from "../tools/emulator";
import { enginePaths } from "../tools/engine";

// The plan review on real plans: each fixture is a plan the engine made of a change between two
// configurations, against the state an apply of the first left on the AWS emulator
// (tools/plan-fixtures.ts). Every risk has a case that triggers it and a near miss that must
// not; each case's risks are listed in full below.

const manifest = JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as FixtureManifest;
const cases = fixtureCases();
const BEFORE = join(FIXTURES, "before");
const AFTER = join(FIXTURES, "after");

function config(dir: string, name: string): TerraformJson {
  return JSON.parse(readFileSync(join(dir, "stacks", name, "cdk.tf.json"), "utf8")) as TerraformJson;
}

function input(name: string, withConfigs = true): StackInput {
  const file = join(FIXTURES, `${name}.json`);
  const plan = readPlan(file, readFileSync(file, "utf8"));
  return withConfigs ? { stack: name, plan, configs: { before: config(BEFORE, name), after: config(AFTER, name) } } : { stack: name, plan };
}

function described(risk: Risk): string {
  return `${risk.rule} ${risk.address} ${risk.attribute}${risk.detail ? ` (${risk.detail})` : ""}: ${risk.before} → ${risk.after}`;
}

const KEY = "aws_kms_key.data";
/** The first key ID the seeded emulator makes: every case's first key has it. */
const KEY_ID = "c963cfe0-afae-4a3b-b909-6a04e7d80068";
const KEY_ARN = `arn:aws:kms:us-east-1:111111111111:key/${KEY_ID}`;
const TRAINER = "AWS:arn:aws:iam::111111111111:role/LookoutVisionTrainer";
const ANALYST = "AWS:arn:aws:iam::111111111111:role/Analyst";
const PAB = "aws_s3_bucket_public_access_block.data";
const SSE = "aws_s3_bucket_server_side_encryption_configuration.data";
const SSE_DEFAULT = "rule[0].apply_server_side_encryption_by_default[0]";
const POLICY = "aws_s3_bucket_policy.data";

/** Every risk of every case (the errored case is refused before review: plan-review-cli.test.ts). */
const EXPECTED: Record<string, string[]> = {
  "no-change": [],
  "key-delete": [`key-delete ${KEY} (resource): key ${KEY_ID} → deleted after a 30-day waiting period`],
  "key-alias-delete": [],
  "key-replace": [`key-replace ${KEY} multi_region: false → true`],
  "key-description-update": [],
  "key-deletion-window-shortened": [`key-deletion-window-shortened ${KEY} deletion_window_in_days: 30 → 7`],
  "key-deletion-window-lengthened": [],
  "key-rotation-off": [`key-rotation-off ${KEY} enable_key_rotation: true → false`],
  "key-rotation-period-changed": [],
  "key-disabled": [`key-disabled ${KEY} is_enabled: true → false`],
  "key-enabled": [],
  "replica-key-delete": [`key-delete aws_kms_replica_key.replica (resource): key mrk-${KEY_ID} → deleted after a 30-day waiting period`],
  "replica-key-update": [],
  "key-policy-principal-added": [
    `key-policy-widened ${KEY} policy "AllowDataUseOnlyViaServices" Principal (principal added to an Allow): Principal ${TRAINER} → Principal ${ANALYST}, ${TRAINER} (added: ${ANALYST})`,
    `key-policy-widened ${KEY} policy "AllowDescribeKey" Principal (principal added to an Allow): Principal ${TRAINER} → Principal ${ANALYST}, ${TRAINER} (added: ${ANALYST})`,
  ],
  "key-policy-condition-removed": [
    `key-policy-widened ${KEY} policy "AllowDataUseOnlyViaServices" Condition StringEquals kms:ViaService (condition removed from an Allow): lookoutvision.us-east-1.amazonaws.com, s3.us-east-1.amazonaws.com → removed`,
  ],
  "key-policy-narrowed": [],
  "key-policy-reordered": [],
  "bucket-delete": [
    "bucket-delete aws_s3_bucket.data (resource): bucket plan-review-fixture-data → deleted (fails while it holds objects: force_destroy is off)",
  ],
  "bucket-forget": [],
  "bucket-replace": ["bucket-replace aws_s3_bucket.data bucket: plan-review-fixture-data → plan-review-fixture-data-renamed"],
  "bucket-tags-update": [],
  "bucket-force-destroy-on": ["bucket-force-destroy-on aws_s3_bucket.data force_destroy: false → true"],
  "bucket-force-destroy-off": [],
  "bucket-versioning-suspended": [
    "bucket-versioning-suspended aws_s3_bucket_versioning.data versioning_configuration[0].status: Enabled → Suspended",
  ],
  "bucket-versioning-removed": [
    "bucket-versioning-suspended aws_s3_bucket_versioning.data versioning_configuration[0].status: Enabled → Suspended (destroying this resource suspends versioning)",
  ],
  "bucket-versioning-enabled": [],
  "bucket-public-access-block-off": [
    `bucket-public-access-block-off ${PAB} block_public_policy: true → false`,
    `bucket-public-access-block-off ${PAB} restrict_public_buckets: true → false`,
  ],
  "bucket-public-access-block-removed": ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].map(
    (flag) => `bucket-public-access-block-off ${PAB} ${flag}: true → false (the block is destroyed)`,
  ),
  "bucket-public-access-block-on": [],
  "bucket-encryption-sse-s3": [`bucket-encryption-changed ${SSE} ${SSE_DEFAULT}.sse_algorithm: aws:kms → AES256`],
  "bucket-encryption-other-key": [`bucket-encryption-changed ${SSE} ${SSE_DEFAULT}.kms_master_key_id: ${KEY_ARN} → (known after apply)`],
  "bucket-encryption-key-id": [],
  "bucket-policy-deny-removed": [
    `bucket-policy-widened ${POLICY} policy "DenyInsecureTransport" (statement) (Deny removed): Deny; Principal *; Action s3:*; when Bool aws:SecureTransport=false → removed`,
  ],
  "bucket-policy-deny-narrowed": [
    `bucket-policy-widened ${POLICY} policy "DenyOutdatedTls" Action (Deny narrowed): Action s3:* → Action s3:GetObject (no longer denied: s3:*)`,
  ],
  "bucket-policy-allow-added": [
    `bucket-policy-widened ${POLICY} policy "AllowPartnerRead" (statement) (Allow statement added): absent → Allow; Principal AWS:arn:aws:iam::999999999999:role/Partner; Action s3:GetObject`,
  ],
  "bucket-policy-deny-added": [],
  "prevent-destroy-removed": [
    `prevent-destroy-removed ${KEY} lifecycle.prevent_destroy: true → unset`,
    "prevent-destroy-removed aws_s3_bucket.data lifecycle.prevent_destroy: true → false",
  ],
  "prevent-destroy-added": [],
};

/** The near misses next to each rule's triggers: changes close to the risk that must not be reported. */
const NEAR_MISSES: Record<RiskRuleId, string[]> = {
  "key-delete": ["key-alias-delete"],
  "key-replace": ["key-description-update"],
  "key-deletion-window-shortened": ["key-deletion-window-lengthened"],
  "key-rotation-off": ["key-rotation-period-changed"],
  "key-disabled": ["key-enabled"],
  "key-policy-widened": ["key-policy-narrowed", "key-policy-reordered", "replica-key-update"],
  "bucket-delete": ["bucket-forget"],
  "bucket-replace": ["bucket-tags-update"],
  "bucket-force-destroy-on": ["bucket-force-destroy-off"],
  "bucket-versioning-suspended": ["bucket-versioning-enabled"],
  "bucket-public-access-block-off": ["bucket-public-access-block-on"],
  "bucket-encryption-changed": ["bucket-encryption-key-id"],
  "bucket-policy-widened": ["bucket-policy-deny-added"],
  "prevent-destroy-removed": ["prevent-destroy-added"],
};

const reviewable = cases.filter((c) => !c.errored);

describe("plan fixtures", () => {
  it("are the script's cases: configurations byte for byte as it writes them, one plan each, nothing else", () => {
    expect(Object.keys(manifest.cases)).toEqual(cases.map((c) => c.name));
    for (const c of cases) {
      expect(readFileSync(join(BEFORE, "stacks", c.name, "cdk.tf.json"), "utf8")).toBe(configText(c.before));
      expect(readFileSync(join(AFTER, "stacks", c.name, "cdk.tf.json"), "utf8")).toBe(configText(c.after));
      expect(manifest.cases[c.name].summary).toBe(c.summary);
    }
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".json") && f !== "manifest.json");
    expect(files.sort()).toEqual(cases.map((c) => `${c.name}.json`).sort());
    for (const side of [BEFORE, AFTER]) expect(readdirSync(join(side, "stacks")).sort()).toEqual(cases.map((c) => c.name).sort());
  });

  it("were planned from the configurations checked in (the manifest holds the SHA-256 of what one run wrote)", () => {
    for (const c of cases) {
      const hashes = manifest.cases[c.name];
      expect({ case: c.name, before: digest(readFileSync(join(BEFORE, "stacks", c.name, "cdk.tf.json"), "utf8")) }).toEqual({
        case: c.name,
        before: hashes.before,
      });
      expect({ case: c.name, after: digest(readFileSync(join(AFTER, "stacks", c.name, "cdk.tf.json"), "utf8")) }).toEqual({
        case: c.name,
        after: hashes.after,
      });
      expect({ case: c.name, plan: digest(readFileSync(join(FIXTURES, `${c.name}.json`), "utf8")) }).toEqual({ case: c.name, plan: hashes.plan });
    }
  });

  it("come from this project's engine (OpenTofu and the AWS provider of tools/engine.ts) and emulator (the pinned moto)", () => {
    const paths = enginePaths();
    expect(manifest.engine).toEqual({ opentofu: paths.opentofuVersion, aws: paths.provider.version });
    expect(manifest.emulator.moto).toBe(motoVersion());
    for (const c of cases)
      expect((JSON.parse(readFileSync(join(FIXTURES, `${c.name}.json`), "utf8")) as { terraform_version: string }).terraform_version).toBe(
        paths.opentofuVersion,
      );
  });

  it("cover every rule with a case that triggers it and a near miss that does not", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(reviewable.map((c) => c.name).sort());
    const triggered = new Set(
      Object.values(EXPECTED)
        .flat()
        .map((line) => line.split(" ")[0]),
    );
    expect([...triggered].sort()).toEqual(Object.keys(RISK_RULES).sort());
    for (const [rule, misses] of Object.entries(NEAR_MISSES)) {
      for (const miss of misses)
        expect({ rule, miss, summary: manifest.cases[miss].summary.startsWith("near miss: "), risks: EXPECTED[miss] }).toEqual({
          rule,
          miss,
          summary: true,
          risks: [],
        });
    }
  });
});

describe.each(reviewable.map((c) => [c.name, c.summary]))("plan review of %s (%s)", (name) => {
  it("finds exactly the expected risks", () => {
    expect(reviewPlans([input(name)]).risks.map(described)).toEqual(EXPECTED[name]);
  });
});

describe("plan review on the fixtures", () => {
  it("gives each risk an id of its rule and 8 hex digits, the same on every run and distinct per stack", () => {
    const first = reviewPlans([input("key-policy-principal-added"), input("bucket-public-access-block-removed")]).risks;
    const again = reviewPlans([input("bucket-public-access-block-removed"), input("key-policy-principal-added")]).risks;
    expect(first.map((r) => r.id).sort()).toEqual(again.map((r) => r.id).sort());
    for (const risk of first) expect(risk.id).toMatch(new RegExp(`^${risk.rule}-[0-9a-f]{8}$`));
    expect(new Set(first.map((r) => r.id)).size).toBe(first.length);
    const renamed = reviewPlans([{ ...input("key-policy-principal-added"), stack: "other-stack" }]).risks;
    expect(renamed.map((r) => r.id)).not.toContain(first[0].id);
  });

  it("counts creates, updates, replaces and deletes per stack, destructive changes first", () => {
    const [replace, forget, other] = reviewPlans([input("bucket-replace"), input("bucket-forget"), input("bucket-encryption-other-key")]).stacks;
    expect(replace.counts).toEqual({ create: 0, update: 0, replace: 5, delete: 0, forget: 0 });
    expect(replace.changes[0]).toEqual({ kind: "replace", address: "aws_s3_bucket.data", attributes: ["bucket"] });
    expect(forget.counts).toEqual({ create: 0, update: 0, replace: 0, delete: 0, forget: 5 });
    expect(other.changes).toEqual([
      { kind: "update", address: SSE, attributes: ["rule"] },
      { kind: "create", address: "aws_kms_key.other", attributes: [] },
    ]);
  });

  it("says prevent_destroy was not checked when no configurations are given (the plan cannot show it)", () => {
    const review = reviewPlans([input("prevent-destroy-removed", false)]);
    expect(review.risks).toEqual([]);
    expect(review.stacks[0].unchecked).toEqual(["prevent_destroy (it is only in the configuration: pass --before-config and --after-config)"]);
  });
});

describe("npm run plan-review on the fixtures", () => {
  const work = mkdtempSync(join(tmpdir(), "plan-review-fixtures-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function run(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const file = join(work, "plan-review.md");
    const status = runPlanReview(
      ["--out", file, "--before-config", BEFORE, "--after-config", AFTER, ...args],
      (t) => out.push(t),
      (t) => err.push(t),
    );
    return { status, printed: out.join("\n"), written: existsSync(file) ? readFileSync(file, "utf8") : "", err: err.join("\n") };
  }

  it("exits 1 on a risk not accepted, and writes the report it prints", () => {
    const result = run(join(FIXTURES, "key-replace.json"), join(FIXTURES, "key-description-update.json"));
    expect(result.status).toBe(1);
    expect(result.printed).toBe(result.written);
    expect(result.written).toContain("**1 risk not accepted** in 2 stacks");
    expect(result.written).toContain(
      "| `key-replace-e6946152` | KMS key replaced | `key-replace` | `aws_kms_key.data` | `multi_region` | `false` → `true` | **not accepted** |",
    );
  });

  it("exits 0 when every risk is accepted by id, and the report says each was accepted; stale ids are listed", () => {
    const result = run("--accept", "key-replace-e6946152", "--accept", "bucket-delete-00000000", join(FIXTURES, "key-replace.json"));
    expect(result.status).toBe(0);
    expect(result.written).toContain("**1 risk, all accepted on purpose**, in 1 stack.");
    expect(result.written).toContain(
      "| `key-replace-e6946152` | KMS key replaced | `aws_kms_key.data` | `multi_region` | `false` → `true` | accepted (--accept) |",
    );
    expect(result.written).toContain("Accepted ids that match no risk of these plans: `bucket-delete-00000000`.");
  });

  it("exits 0 on a near miss", () => {
    const result = run(join(FIXTURES, "bucket-forget.json"));
    expect(result.status).toBe(0);
    expect(result.written).toContain("**No risk found** in 1 stack.");
    expect(result.written).toContain("5 resources removed from the state without being destroyed.");
  });
});
