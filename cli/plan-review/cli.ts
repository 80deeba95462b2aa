#!/usr/bin/env node
import { existsSync, readFileSync, writeFileSync } from "fs";
import { basename, join } from "path";
import { TerraformJson } from "../../modules/private/terraform-json";
import { PlanInputError, readPlan } from "./plan-json";
import { reviewMarkdown } from "./report";
import { StackInput, reviewPlans } from "./review";

export const USAGE = [
  "usage: lookout-vision-plan-review [--accept <risk id>]... [--before-config <cdktf outdir> --after-config <cdktf outdir>] [--out <file>] <plan.json>...",
  "  (npx lookout-vision-plan-review ...; in this repository npm run plan-review -- ...)",
  "  <plan.json>       `tofu show -json <planfile>` (or terraform) of one stack; the stack is the file name without .json",
  "  --accept <id>     accept a risk on purpose (repeatable); the report says it was accepted",
  "  --before-config   the cdktf output folder (cdktf.out) before the change, for prevent_destroy",
  "  --after-config    the cdktf output folder after the change (reads stacks/<stack>/cdk.tf.json)",
  "  --out <file>      where the Markdown goes (default plan-review.md); it is printed too",
  "exit status: 0 no risk left, 1 a risk not accepted, 2 bad input",
].join("\n");

interface Options {
  readonly plans: string[];
  readonly accept: string[];
  readonly beforeConfig?: string;
  readonly afterConfig?: string;
  readonly out: string;
}

class UsageError extends Error {}

const VALUE_OPTIONS = ["--accept", "--before-config", "--after-config", "--out"];

function parseArgs(args: readonly string[]): Options {
  const plans: string[] = [];
  const accept: string[] = [];
  const single: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) {
      plans.push(arg);
      continue;
    }
    if (!VALUE_OPTIONS.includes(arg)) throw new UsageError(`unknown option ${arg}`);
    const value = args[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value`);
    if (arg === "--accept") accept.push(value);
    else if (arg in single) throw new UsageError(`${arg} given twice`);
    else single[arg] = value;
  }
  if (plans.length === 0) throw new UsageError("no plan file given");
  if ("--before-config" in single !== "--after-config" in single) throw new UsageError("--before-config and --after-config go together");
  return { plans, accept, beforeConfig: single["--before-config"], afterConfig: single["--after-config"], out: single["--out"] ?? "plan-review.md" };
}

function stackName(file: string): string {
  return basename(file).replace(/\.json$/, "");
}

function readConfig(dir: string, stack: string, required: boolean): TerraformJson | undefined {
  const file = join(dir, "stacks", stack, "cdk.tf.json");
  if (!existsSync(file)) {
    if (required) throw new PlanInputError(`${file}: no synthesized configuration for stack "${stack}" in ${dir}`);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(file, "utf8")) as TerraformJson;
  } catch (error) {
    throw new PlanInputError(`${file}: not JSON (${(error as Error).message})`);
  }
}

function readInputs(options: Options): StackInput[] {
  const names = options.plans.map(stackName);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new UsageError(`two plan files for stack "${twice}": the stack is the file name without .json, so name them apart`);
  for (const dir of [options.beforeConfig, options.afterConfig]) {
    if (dir !== undefined && !existsSync(join(dir, "stacks"))) throw new PlanInputError(`${dir}: not a cdktf output folder (no stacks/ in it)`);
  }
  return options.plans.map((file, i): StackInput => {
    if (!existsSync(file)) throw new PlanInputError(`${file}: no such file`);
    const plan = readPlan(file, readFileSync(file, "utf8"));
    const stack = names[i];
    if (options.beforeConfig === undefined || options.afterConfig === undefined) return { stack, plan };
    return {
      stack,
      plan,
      configs: { before: readConfig(options.beforeConfig, stack, false), after: readConfig(options.afterConfig, stack, true) as TerraformJson },
    };
  });
}

/** `npm run plan-review`: returns the exit status (0 no open risk, 1 an open risk, 2 bad input). */
export function runPlanReview(
  args: readonly string[],
  log: (text: string) => void = console.log,
  error: (text: string) => void = console.error,
): number {
  try {
    const options = parseArgs(args);
    const review = reviewPlans(readInputs(options), options.accept);
    const markdown = reviewMarkdown(review);
    writeFileSync(options.out, markdown);
    log(markdown);
    return review.risks.some((r) => !r.accepted) ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      error(`plan-review: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof PlanInputError) {
      error(`plan-review: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = runPlanReview(process.argv.slice(2));
}
