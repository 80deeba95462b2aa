import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";

interface Step {
  readonly name: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly "continue-on-error"?: boolean;
}

const FILE = join(__dirname, "..", ".github", "workflows", "pr.yml");
const text = readFileSync(FILE, "utf8");
const workflow = parse(text) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const PLAN_GUARD = "vars.AWS_PLAN_ROLE_ARN != ''";

function stepIndex(matches: (step: Step) => boolean, what: string): number {
  const index = steps.findIndex(matches);
  if (index === -1) throw new Error(`pr.yml has no step that ${what}`);
  return index;
}

const runs = (command: string) => (step: Step) => (step.run ?? "").split("\n").some((line) => line.trim().startsWith(command));
const uses = (action: string) => (step: Step) => (step.uses ?? "").startsWith(`${action}@`);

describe(".github/workflows/pr.yml", () => {
  it("runs on pull requests with OIDC, read-only contents and PR comments", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
  });

  it("installs, tests, synthesizes, reports, plans and comments, in that order", () => {
    const order = [
      stepIndex(runs("npm ci"), "runs npm ci"),
      stepIndex(runs("npm test"), "runs npm test"),
      stepIndex(runs("npm run synth"), "runs npm run synth"),
      stepIndex(runs("npm run report"), "runs npm run report"),
      stepIndex(uses("aws-actions/configure-aws-credentials"), "configures AWS credentials"),
      stepIndex((s) => (s.run ?? "").includes("npx cdktf diff"), "runs cdktf diff"),
      stepIndex(uses("marocchino/sticky-pull-request-comment"), "posts the sticky comment"),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("pins every action to a release commit, with the version in a comment", () => {
    const lines = text.split("\n").filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(lines.length).toBe(steps.filter((s) => s.uses).length);
    for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("assumes the role from the repository variable, and skips every plan step when it is empty", () => {
    const credentials = steps[stepIndex(uses("aws-actions/configure-aws-credentials"), "configures AWS credentials")];
    expect(credentials.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    const planSteps = steps.filter((s) => uses("aws-actions/configure-aws-credentials")(s) || uses("hashicorp/setup-terraform")(s) || (s.run ?? "").includes("cdktf diff"));
    expect(planSteps.map((s) => s.if?.includes(PLAN_GUARD))).toEqual([true, true, true]);
  });

  it("posts one sticky comment from the composed report and plan", () => {
    const comment = steps[stepIndex(uses("marocchino/sticky-pull-request-comment"), "posts the sticky comment")];
    expect(comment.with).toEqual({ header: "encryption-posture", path: "pr-comment.md" });
  });

  it("composes the comment from the report, and says why the plan is missing", () => {
    const compose = steps[stepIndex((s) => (s.run ?? "").includes("> pr-comment.md"), "writes pr-comment.md")];
    const dir = mkdtempSync(join(tmpdir(), "pr-comment-"));
    writeFileSync(join(dir, "posture-report.md"), "# Encryption posture report\n");
    const run = spawnSync("bash", ["-e", "-c", compose.run as string], { cwd: dir, env: { PATH: process.env.PATH, PLAN_SKIPPED: "Plan skipped - no role." }, encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, "pr-comment.md"), "utf8")).toBe("# Encryption posture report\n\n## Plan\n\nPlan skipped - no role.\n");
  });

  it("keeps going to the comment when synth, report or plan fail, and fails the job at the end", () => {
    for (const id of ["synth", "report", "plan"]) {
      expect(steps.find((s) => s.id === id)?.["continue-on-error"]).toBe(true);
    }
    const last = steps[steps.length - 1];
    expect(last.if).toBe("${{ steps.synth.outcome == 'failure' || steps.report.outcome == 'failure' || steps.plan.outcome == 'failure' }}");
    expect(last.run).toMatch(/exit 1/);
  });
});
