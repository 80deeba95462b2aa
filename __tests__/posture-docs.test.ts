import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { CHECKOV_SKIPS, checkovSkipDirective, checkovSkipsFor } from "../tools/checkov-skips";
import { renderPostureDoc } from "../tools/posture-docs";
import { RULES, RULE_IDS } from "../modules/posture/rules";

const DOC = join(__dirname, "../docs/posture.md");

describe("docs/posture.md and the data it is generated from", () => {
  if (process.env.UPDATE_DOCS === "1") writeFileSync(DOC, renderPostureDoc(readFileSync(DOC, "utf8")));
  const doc = readFileSync(DOC, "utf8");

  it("holds the rule map and the skip table as generated (UPDATE_DOCS=1 npx jest __tests__/posture-docs.test.ts rewrites them)", () => {
    expect(doc).toContain("<!-- rule-map -->\n| rule |");
    expect(doc).toContain("<!-- checkov-skips -->\n| check |");
    expect(doc).toBe(renderPostureDoc(doc));
  });

  it("shows every skip with its reason", () => {
    for (const skip of CHECKOV_SKIPS) expect(doc).toContain(`| \`${skip.check}\` | \`${skip.resourceType}\` | ${skip.scope} | ${skip.reason} |`);
  });

  it("describes every rule in the rules table and maps it", () => {
    for (const id of RULE_IDS) expect(doc.match(new RegExp(`^\\| \`${id}\` \\|`, "gm"))?.length).toBe(2);
  });
});

describe("the rule map", () => {
  it("names Security Hub controls and checkov checks by their id formats, each at most once per rule", () => {
    for (const id of RULE_IDS) {
      const { securityHub, checkov } = RULES[id];
      for (const control of securityHub) expect(control).toMatch(/^(S3|KMS)\.\d+$/);
      for (const check of checkov) expect(check).toMatch(/^CKV2?_AWS_\d+$/);
      expect(new Set([...securityHub, ...checkov]).size).toBe(securityHub.length + checkov.length);
    }
  });
});

describe("the checkov skip table", () => {
  it("gives every skip a check id, a resource type and a one-line reason a skip comment can carry", () => {
    for (const skip of CHECKOV_SKIPS) {
      expect(skip.check).toMatch(/^CKV2?_AWS_\d+$/);
      expect(skip.resourceType).toMatch(/^aws_[a-z0-9_]+$/);
      expect(skip.reason.trim().length).toBeGreaterThan(20);
      expect(skip.reason).not.toMatch(/[\r\n]/);
    }
  });

  it("has one entry per check, resource type and scope", () => {
    const keys = CHECKOV_SKIPS.map((s) => `${s.check} ${s.resourceType} ${s.scope}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("never skips a check that a rule maps to for the resources the rule checks", () => {
    const mapped = new Set<string>(RULE_IDS.flatMap((id) => RULES[id].checkov));
    const skippedForData = checkovSkipsFor({ resourceType: "aws_s3_bucket", receivesAccessLogs: false }).map((s) => s.check);
    expect(skippedForData.filter((check) => mapped.has(check))).toEqual([]);
  });

  it("gives the module writer the skips of a resource and the comment line for each", () => {
    expect(checkovSkipsFor({ resourceType: "aws_s3_bucket", receivesAccessLogs: false }).map((s) => s.check)).toEqual(["CKV2_AWS_62", "CKV_AWS_144"]);
    expect(checkovSkipsFor({ resourceType: "aws_s3_bucket", receivesAccessLogs: true }).map((s) => s.check)).toEqual([
      "CKV2_AWS_62",
      "CKV_AWS_144",
      "CKV_AWS_145",
      "CKV_AWS_21",
    ]);
    expect(checkovSkipsFor({ resourceType: "aws_kms_key", receivesAccessLogs: false })).toEqual([]);
    const [first] = CHECKOV_SKIPS;
    expect(checkovSkipDirective(first)).toBe(`checkov:skip=${first.check}:${first.reason}`);
  });
});
