import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runPlanReview } from "../cli/plan-review/cli";

// The CLI's contract: exit 0 with no risk left, 1 with a risk not accepted, 2 on bad input with
// a message naming the file. Real plans (engine fixtures) are in plan-review-fixtures.test.ts.

const FIXTURES = join(__dirname, "fixtures", "plans");
const work = mkdtempSync(join(tmpdir(), "plan-review-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  readonly status: number;
  readonly out: string;
  readonly err: string;
}

function review(...args: string[]): Run {
  const out: string[] = [];
  const err: string[] = [];
  const status = runPlanReview(
    ["--out", join(work, "plan-review.md"), ...args],
    (t) => out.push(t),
    (t) => err.push(t),
  );
  return { status, out: out.join("\n"), err: err.join("\n") };
}

function file(name: string, text: string): string {
  const path = join(work, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe("plan-review input errors: exit 2, the file named", () => {
  it.each<[string, string, string]>([
    ["a file that is not JSON", "garbage.json", "not JSON ("],
    [
      "JSON that is not a plan",
      "package.json",
      "not a plan (no format_version); expected the output of `tofu show -json <planfile>` or `terraform show -json <planfile>`",
    ],
    ["a state instead of a plan", "state.json", "a state (`tofu show -json` of a state file); expected the output of"],
    ["an unknown format version", "future.json", 'plan format_version "2.0" is not supported (supported: 1.x)'],
    ["resource_changes of another shape", "odd.json", "resource_changes is not a list of changes with address and change.actions"],
  ])("%s", (_, name, message) => {
    const contents: Record<string, string> = {
      "garbage.json": "Plan: 1 to add, 0 to change, 0 to destroy.",
      "package.json": readFileSync(join(__dirname, "..", "package.json"), "utf8"),
      "state.json": JSON.stringify({ format_version: "1.0", terraform_version: "1.12.6", values: { root_module: {} } }),
      "future.json": JSON.stringify({ format_version: "2.0", planned_values: {}, resource_changes: [] }),
      "odd.json": JSON.stringify({ format_version: "1.2", planned_values: {}, resource_changes: [{ address: "aws_kms_key.a" }] }),
    };
    const path = file(name, contents[name]);
    const run = review(path);
    expect(run).toMatchObject({ status: 2, out: "" });
    expect(run.err).toContain(`plan-review: ${path}: ${message}`);
  });

  it("an errored plan (a real one: the engine refused to replace a key with prevent_destroy)", () => {
    const path = join(FIXTURES, "errored-protected-key-replace.json");
    expect(review(path)).toEqual({
      status: 2,
      out: "",
      err: `plan-review: ${path}: the plan errored ("errored": true): it is partial and cannot be applied; fix the errors the plan printed and plan again`,
    });
  });

  it("a file that does not exist", () => {
    expect(review(join(work, "missing.json")).err).toBe(`plan-review: ${join(work, "missing.json")}: no such file`);
  });

  it("a configuration folder that is not a cdktf output folder, or lacks the stack", () => {
    const plan = join(FIXTURES, "no-change.json");
    expect(review("--before-config", work, "--after-config", join(FIXTURES, "after"), plan).err).toBe(
      `plan-review: ${work}: not a cdktf output folder (no stacks/ in it)`,
    );
    mkdirSync(join(work, "empty-out", "stacks"), { recursive: true });
    const run = review("--before-config", join(FIXTURES, "before"), "--after-config", join(work, "empty-out"), plan);
    expect(run).toMatchObject({
      status: 2,
      err: `plan-review: ${join(
        work,
        "empty-out",
        "stacks",
        "no-change",
        "cdk.tf.json",
      )}: no synthesized configuration for stack "no-change" in ${join(work, "empty-out")}`,
    });
  });
});

describe("plan-review usage errors: exit 2 with the usage", () => {
  it.each<[string, string[], string]>([
    ["no plan", [], "no plan file given"],
    ["an unknown option", ["--accept-all", "x.json"], "unknown option --accept-all"],
    ["--accept without an id", ["x.json", "--accept"], "--accept needs a value"],
    ["one configuration folder without the other", ["--before-config", "base/cdktf.out", "x.json"], "--before-config and --after-config go together"],
    ["--out twice", ["--out", "a.md", "x.json"], "--out given twice"],
    [
      "two plans for one stack",
      ["a/stack.json", "b/stack.json"],
      'two plan files for stack "stack": the stack is the file name without .json, so name them apart',
    ],
  ])("%s", (_, args, message) => {
    const run = review(...args);
    expect(run.status).toBe(2);
    expect(run.err.split("\n")[0]).toBe(`plan-review: ${message}`);
    expect(run.err).toContain("usage: lookout-vision-plan-review [--accept <risk id>]...");
  });
});
