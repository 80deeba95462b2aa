import { spawnSync } from "child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { expectInstalledEngine } from "./workflow-engine";

interface Step {
  readonly name: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly "working-directory"?: string;
  readonly "continue-on-error"?: boolean;
}

interface Job {
  readonly name: string;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly permissions: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly outputs?: Record<string, string>;
  readonly steps: Step[];
}

const FILE = join(__dirname, "..", ".github", "workflows", "pr.yml");
const text = readFileSync(FILE, "utf8");
const workflow = parse(text) as {
  on: Record<string, { types?: string[] }>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
};
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const PLAN_CONDITION =
  "${{ !cancelled() && needs.synth.outputs.synth == 'success' && vars.AWS_PLAN_ROLE_ARN != '' && vars.STATE_BUCKET != '' && github.event.pull_request.head.repo.full_name == github.repository }}";

function stepIndex(matches: (step: Step) => boolean, what: string): number {
  const index = steps.findIndex(matches);
  if (index === -1) throw new Error(`pr.yml has no step that ${what}`);
  return index;
}

const runs = (command: string) => (step: Step) => (step.run ?? "").split("\n").some((line) => line.trim().startsWith(command));
const runsAnywhere = (fragment: string) => (step: Step) => (step.run ?? "").includes(fragment);
const uses = (action: string) => (step: Step) => (step.uses ?? "").startsWith(`${action}@`);
const byId = (id: string) => steps[stepIndex((s) => s.id === id, `has id ${id}`)];

/** Runs a step's script with bash -e (as GitHub does) in `cwd`, with `bin` first on PATH for fake commands. */
function runStep(step: Step, cwd: string, env: Record<string, string> = {}, bin?: string) {
  const path = bin ? `${bin}:${process.env.PATH}` : (process.env.PATH as string);
  return spawnSync("bash", ["-e", "-c", step.run as string], { cwd, env: { PATH: path, ...env }, encoding: "utf8" });
}

/** A fake command that appends its arguments, one a line, to `<bin>/<name>.calls`, then runs `then`. */
function fakeCommand(bin: string, name: string, then = "exit 0"): void {
  const script = join(bin, name);
  writeFileSync(script, `#!/usr/bin/env bash\nprintf '%s\\n' "$@" "--" >> "${bin}/${name}.calls"\n${then}\n`);
  chmodSync(script, 0o755);
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

describe(".github/workflows/pr.yml", () => {
  it("runs on pull requests, again when a label is added or removed, with each job's permissions its own: OIDC for the plan, PR comments for the comment", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.on.pull_request.types).toEqual(["opened", "synchronize", "reopened", "labeled", "unlabeled"]);
    expect(workflow.permissions).toEqual({});
    expect(Object.fromEntries(Object.entries(workflow.jobs).map(([id, job]) => [id, job.permissions]))).toEqual({
      test: { contents: "read" },
      synth: { contents: "read" },
      plan: { "id-token": "write" },
      review: { contents: "read" },
      comment: { "pull-requests": "write" },
    });
  });

  it("runs the pull request's code only where the token reads: jobs that may do more check out nothing and run no npm or node", () => {
    const privileged = Object.entries(workflow.jobs).filter(([, job]) => Object.values(job.permissions).includes("write"));
    expect(privileged.map(([id]) => id)).toEqual(["plan", "comment"]);
    for (const [, job] of privileged) {
      expect(job.steps.filter(uses("actions/checkout"))).toEqual([]);
      expect(job.steps.filter((s) => /\b(npm|npx|node)\b/.test(s.run ?? ""))).toEqual([]);
    }
    // What they run: the synthesized stacks, planned with the AWS provider only, and the composed comment.
    expect(workflow.jobs.plan.steps.flatMap((s) => (s.uses ? [s.uses.split("@")[0]] : []))).toEqual([
      "actions/download-artifact",
      "aws-actions/configure-aws-credentials",
      "hashicorp/setup-terraform",
      "actions/upload-artifact",
    ]);
    expect(workflow.jobs.comment.steps.map((s) => s.uses?.split("@")[0])).toEqual([
      "actions/download-artifact",
      "marocchino/sticky-pull-request-comment",
    ]);
  });

  it("never leaves the token in a checkout", () => {
    const checkouts = steps.filter(uses("actions/checkout"));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const checkout of checkouts) expect(checkout.with?.["persist-credentials"]).toBe(false);
  });

  it("hands the stacks, the plans and the comment from job to job as artifacts", () => {
    const uploads = (job: string) => workflow.jobs[job].steps.filter(uses("actions/upload-artifact")).map((s) => s.with?.name);
    const downloads = (job: string) => workflow.jobs[job].steps.filter(uses("actions/download-artifact")).map((s) => s.with?.name);
    expect(uploads("synth")).toEqual(["stacks"]);
    expect(downloads("plan")).toEqual(["stacks"]);
    expect(uploads("plan")).toEqual(["plans"]);
    expect(downloads("review")).toEqual(["stacks", "plans"]);
    expect(uploads("review")).toEqual(["pr-comment"]);
    expect(downloads("comment")).toEqual(["pr-comment"]);
    expect(workflow.jobs.plan.needs).toBe("synth");
    expect(workflow.jobs.review.needs).toEqual(["synth", "plan"]);
    expect(workflow.jobs.comment.needs).toBe("review");
  });

  it("tests on the installed engine: the OpenTofu version tools/engine.ts builds, the registry's provider, its mirror cached by provider version", () => {
    expectInstalledEngine(workflow.jobs.test, { cached: true });
  });

  it("installs, tests, synthesizes, reports, synthesizes the base branch, plans, reviews and comments, in that order", () => {
    const order = [
      stepIndex(runs("npm ci"), "runs npm ci"),
      stepIndex(runs("npm test"), "runs npm test"),
      stepIndex(runs("npm run synth"), "runs npm run synth"),
      stepIndex(runs("npm run report"), "runs npm run report"),
      stepIndex((s) => uses("actions/checkout")(s) && s.with?.path === "base", "checks out the base branch"),
      stepIndex((s) => s["working-directory"] === "base" && runsAnywhere("npm run synth")(s), "synthesizes the base branch"),
      stepIndex(uses("aws-actions/configure-aws-credentials"), "configures AWS credentials"),
      stepIndex(uses("hashicorp/setup-terraform"), "sets up Terraform"),
      stepIndex(runsAnywhere("terraform -chdir"), "plans with terraform"),
      stepIndex(runsAnywhere("npm run --silent plan-review"), "runs plan-review"),
      stepIndex(uses("marocchino/sticky-pull-request-comment"), "posts the sticky comment"),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("pins every action to a release commit, with the version in a comment", () => {
    const lines = text.split("\n").filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(lines.length).toBe(steps.filter((s) => s.uses).length);
    for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("plans only with a role, a shared state, stacks that synthesized and a branch of this repository; reviews only what was planned", () => {
    expect(workflow.jobs.plan.if).toBe(PLAN_CONDITION);
    expect(workflow.jobs.synth.outputs).toEqual({ synth: "${{ steps.synth.outcome }}", base: "${{ steps.base.outcome }}" });
    for (const step of steps.filter((s) => (uses("actions/checkout")(s) && s.with?.path === "base") || s.id === "base")) {
      expect(step.if).toBe("${{ steps.synth.outcome == 'success' }}");
    }
    expect(byId("review").if).toBe("${{ needs.plan.result != 'skipped' }}");
    expect(byId("review").env?.BASE_SYNTH).toBe("${{ needs.synth.outputs.base }}");
  });

  it("synthesizes the stacks with the S3 state backend of the repository variables, and plans them with Terraform 1.11+ (use_lockfile)", () => {
    for (const name of ["STATE_BUCKET", "STATE_KEY_PREFIX", "STATE_REGION", "STATE_KMS_KEY_ID"])
      expect(workflow.env[name]).toBe(`\${{ vars.${name} }}`);
    const credentials = steps[stepIndex(uses("aws-actions/configure-aws-credentials"), "configures AWS credentials")];
    expect(credentials.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    const terraform = steps[stepIndex(uses("hashicorp/setup-terraform"), "sets up Terraform")];
    const [major, minor] = String(terraform.with?.terraform_version).split(".").map(Number);
    expect(major > 1 || minor >= 11).toBe(true);
    expect(terraform.with?.terraform_wrapper).toBe(false);
    expect(steps.find((s) => uses("actions/checkout")(s) && s.with?.path === "base")?.with?.ref).toBe("${{ github.event.pull_request.base.sha }}");
  });

  it("plans every stack with the AWS provider only, without taking the state lock, writes each plan as JSON, and lists the stacks whose plan failed", () => {
    const dir = tempDir("pr-plan");
    const bin = tempDir("pr-plan-bin");
    for (const stack of ["alpha", "beta"]) mkdirSync(join(dir, "cdktf.out", "stacks", stack), { recursive: true });
    // terraform: beta's plan fails; show prints a plan JSON naming the stack folder.
    fakeCommand(
      bin,
      "terraform",
      'case "$*" in *beta*plan*) echo "Error: access denied" >&2; exit 1 ;; *show*) echo "{\\"plan_of\\": \\"$1\\"}" ;; esac',
    );
    const cliConfig = join(dir, "aws-only.tfrc");
    expect(byId("plan").env?.TF_CLI_CONFIG_FILE).toBe("${{ runner.temp }}/aws-provider-only.tfrc");
    const run = runStep(byId("plan"), dir, { TF_CLI_CONFIG_FILE: cliConfig }, bin);
    expect(run.status).toBe(1);
    expect(readFileSync(cliConfig, "utf8")).toBe(
      'provider_installation {\n  direct {\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n',
    );
    expect(readFileSync(join(dir, "plans", "alpha.json"), "utf8")).toBe('{"plan_of": "-chdir=cdktf.out/stacks/alpha"}\n');
    expect(existsSync(join(dir, "plans", "beta.json"))).toBe(false);
    expect(readFileSync(join(dir, "plan-failures.md"), "utf8")).toBe("Plan of `beta` failed:\n\n```\nError: access denied\n```\n\n");
    const calls = readFileSync(join(bin, "terraform.calls"), "utf8")
      .split("--\n")
      .map((c) => c.trim().replace(/\n/g, " "));
    expect(calls.filter(Boolean)).toEqual([
      "-chdir=cdktf.out/stacks/alpha init -input=false -no-color",
      "-chdir=cdktf.out/stacks/alpha plan -input=false -lock=false -no-color -out=tfplan",
      "-chdir=cdktf.out/stacks/alpha show -json tfplan",
      "-chdir=cdktf.out/stacks/beta init -input=false -no-color",
      "-chdir=cdktf.out/stacks/beta plan -input=false -lock=false -no-color -out=tfplan",
    ]);
  });

  it("reviews every plan, accepting the ids of accept-risk labels and of .plan-review-accept, with the base branch's configuration", () => {
    const dir = tempDir("pr-review");
    const bin = tempDir("pr-review-bin");
    mkdirSync(join(dir, "plans"));
    writeFileSync(join(dir, "plans", "alpha.json"), "{}");
    writeFileSync(join(dir, "plans", "beta.json"), "{}");
    writeFileSync(
      join(dir, ".plan-review-accept"),
      "# accepted after review with the security team\nkey-replace-0a1b2c3d  # new multi-region key\n\nbucket-delete-9f8e7d6c\n",
    );
    fakeCommand(bin, "npm", "exit 1");
    const labels = JSON.stringify(["documentation", "accept-risk:key-policy-widened-12345678", "not accept-risk:bucket-delete-00000000"]);
    const run = runStep(byId("review"), dir, { LABELS: labels, BASE_SYNTH: "success" }, bin);
    expect(run.status).toBe(1); // plan-review's exit status is the step's
    expect(readFileSync(join(bin, "npm.calls"), "utf8").split("\n").filter(Boolean)).toEqual([
      "run",
      "--silent",
      "plan-review",
      "--",
      "--accept",
      "key-policy-widened-12345678",
      "--accept",
      "key-replace-0a1b2c3d",
      "--accept",
      "bucket-delete-9f8e7d6c",
      "--before-config",
      "base/cdktf.out",
      "--after-config",
      "cdktf.out",
      "plans/alpha.json",
      "plans/beta.json",
      "--",
    ]);
  });

  it("reviews without configurations when the base branch did not synthesize, and fails with a report when no plan is left", () => {
    const dir = tempDir("pr-review-plain");
    const bin = tempDir("pr-review-plain-bin");
    mkdirSync(join(dir, "plans"));
    writeFileSync(join(dir, "plans", "alpha.json"), "{}");
    fakeCommand(bin, "npm");
    expect(runStep(byId("review"), dir, { LABELS: "[]", BASE_SYNTH: "failure" }, bin).status).toBe(0);
    expect(readFileSync(join(bin, "npm.calls"), "utf8").split("\n").filter(Boolean)).toEqual([
      "run",
      "--silent",
      "plan-review",
      "--",
      "plans/alpha.json",
      "--",
    ]);

    const empty = tempDir("pr-review-empty");
    expect(runStep(byId("review"), empty, { LABELS: "[]", BASE_SYNTH: "success" }, bin).status).toBe(1);
    expect(readFileSync(join(empty, "plan-review.md"), "utf8")).toBe("# Plan review\n\nNo plan to review: every plan failed.\n");
  });

  it("posts one sticky comment from the composed report and review", () => {
    const comment = steps[stepIndex(uses("marocchino/sticky-pull-request-comment"), "posts the sticky comment")];
    expect(comment.with).toEqual({ header: "encryption-posture", path: "pr-comment.md" });
  });

  describe("the comment", () => {
    const compose = () => steps[stepIndex(runsAnywhere("> pr-comment.md"), "writes pr-comment.md")];
    function composeIn(files: Record<string, string>): string {
      const dir = tempDir("pr-comment");
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
      const run = runStep(compose(), dir, { PLAN_SKIPPED: "Plan skipped - no role." });
      expect(run.status).toBe(0);
      return readFileSync(join(dir, "pr-comment.md"), "utf8");
    }

    it("is the posture report and the plan review, with how to accept a risk", () => {
      expect(
        composeIn({ "posture-report.md": "# Encryption posture report\n", "plan-review.md": "# Plan review\n\n**No risk found** in 3 stacks.\n" }),
      ).toBe(
        "# Encryption posture report\n\n# Plan review\n\n**No risk found** in 3 stacks.\n\nTo accept a risk on purpose: add the label `accept-risk:<id>`, or a line `<id>` to `.plan-review-accept` in this pull request.\n",
      );
    });

    it("says why the plan is missing", () => {
      expect(composeIn({ "posture-report.md": "# Encryption posture report\n" })).toBe(
        "# Encryption posture report\n\n# Plan review\n\nPlan skipped - no role.\n",
      );
    });

    it("shows the plans that failed", () => {
      expect(composeIn({ "posture-report.md": "# Encryption posture report\n", "plan-failures.md": "Plan of `beta` failed:\n" })).toBe(
        "# Encryption posture report\n\nPlan of `beta` failed:\n",
      );
    });

    it("names each reason a plan is skipped", () => {
      const skipped = compose().env?.PLAN_SKIPPED ?? "";
      expect(skipped).toContain("vars.AWS_PLAN_ROLE_ARN == '' && 'Plan skipped - set the repository variable AWS_PLAN_ROLE_ARN");
      expect(skipped).toContain("vars.STATE_BUCKET == '' && 'Plan skipped - set the repository variables STATE_BUCKET and STATE_REGION");
    });
  });

  it("keeps going to the comment when synth, report, plan or review fail, and fails their jobs at the end (a risk not accepted fails the review)", () => {
    for (const id of ["synth", "report", "base", "review"]) {
      expect(steps.find((s) => s.id === id)?.["continue-on-error"]).toBe(true);
    }
    const last = (job: string) => workflow.jobs[job].steps[workflow.jobs[job].steps.length - 1];
    expect(last("synth").if).toBe("${{ steps.synth.outcome == 'failure' || steps.report.outcome == 'failure' }}");
    expect(last("synth").env).toEqual({ SYNTH: "${{ steps.synth.outcome }}", REPORT: "${{ steps.report.outcome }}" });
    expect(last("review").if).toBe("${{ steps.review.outcome == 'failure' }}");
    for (const job of ["synth", "review"]) expect(last(job).run).toMatch(/exit 1/);
    // A failed plan fails its job by itself, after its plans are kept.
    expect(last("plan")).toMatchObject({ if: "${{ !cancelled() }}", with: { name: "plans" } });
    expect(workflow.jobs.synth.steps.find(uses("actions/upload-artifact"))?.if).toBe("${{ !cancelled() }}");
    expect(workflow.jobs.review.if).toBe("${{ !cancelled() }}");
    for (const download of workflow.jobs.review.steps.filter(uses("actions/download-artifact"))) expect(download["continue-on-error"]).toBe(true);
    expect(workflow.jobs.comment.if).toBe(
      "${{ !cancelled() && needs.review.result != 'skipped' && github.event.pull_request.head.repo.full_name == github.repository }}",
    );
  });
});
