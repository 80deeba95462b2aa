import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { readPlan } from "../cli/plan-review/plan-json";
import { reviewMarkdown } from "../cli/plan-review/report";
import { reviewPlans } from "../cli/plan-review/review";
import { TerraformJson } from "../modules/private/terraform-json";
import { FIXTURES } from "../tools/plan-fixtures";

// README's sample plan review is the report of two real fixtures, generated here: run
// `UPDATE_README=1 npx jest __tests__/plan-review-readme.test.ts` after changing the report.

const README = join(__dirname, "..", "README.md");
const STACKS = ["key-policy-principal-added", "bucket-policy-deny-removed"];
const ACCEPTED = "key-policy-widened-778d875f";
const START = "<!-- plan-review-sample -->";
const END = "<!-- /plan-review-sample -->";

function sample(): string {
  const config = (side: string, stack: string) =>
    JSON.parse(readFileSync(join(FIXTURES, side, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson;
  const inputs = STACKS.map((stack) => {
    const file = join(FIXTURES, `${stack}.json`);
    return { stack, plan: readPlan(file, readFileSync(file, "utf8")), configs: { before: config("before", stack), after: config("after", stack) } };
  });
  const command = `npm run plan-review -- --accept ${ACCEPTED} --before-config base/cdktf.out --after-config cdktf.out ${STACKS.map(
    (s) => `plans/${s}.json`,
  ).join(" ")}`;
  return [START, "", "```sh", command, "```", "", "````markdown", reviewMarkdown(reviewPlans(inputs, [ACCEPTED])).trimEnd(), "````", "", END].join(
    "\n",
  );
}

function withSample(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README.md has no ${START} ... ${END} block`);
  return readme.slice(0, start) + sample() + readme.slice(end + END.length);
}

describe("README plan review sample", () => {
  if (process.env.UPDATE_README === "1") writeFileSync(README, withSample(readFileSync(README, "utf8")));
  const readme = readFileSync(README, "utf8");

  it("is the report of the fixtures it names (UPDATE_README=1 npx jest __tests__/plan-review-readme.test.ts regenerates it)", () => {
    expect(readme).toBe(withSample(readme));
  });

  it("shows a risk accepted and risks not accepted", () => {
    expect(sample()).toContain("accepted (--accept)");
    expect(sample()).toContain("**not accepted**");
  });
});
