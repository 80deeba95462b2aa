import { readFileSync, readdirSync } from "fs";
import { join } from "path";
import { ACTIONLINT, ensureActionlint, ensureToolsVenv, pythonToolVersions } from "./dev-tools";
import { ROOT } from "./pack-flavours";
import { Command, Runner, runCommand } from "./tool-cache";

/**
 * The GitHub workflows' checks in `npm run lint`: actionlint (syntax, expressions, shellcheck on
 * every `run:` script) and zizmor (security: template injection, dangerous triggers, unpinned
 * actions, token permissions, credential persistence, cache poisoning...) with its pedantic
 * persona and offline audits only. A finding that stays is suppressed where it is, with its reason
 * (`# zizmor: ignore[<audit>] <why>`); there is no configuration file that hides any.
 */

export const WORKFLOWS_DIR = join(".github", "workflows");

/** The workflow files, relative to `root` (the tools run there). */
export function workflowFiles(root = ROOT): string[] {
  return readdirSync(join(root, WORKFLOWS_DIR))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(WORKFLOWS_DIR, name));
}

export function actionlintArgs(shellcheck: string, files: readonly string[]): string[] {
  // -pyflakes=: no workflow runs Python scripts inline.
  return ["-no-color", `-shellcheck=${shellcheck}`, "-pyflakes=", ...files];
}

export function zizmorArgs(files: readonly string[]): string[] {
  return ["--quiet", "--offline", "--persona=pedantic", "--strict-collection", "--no-progress", "--color=never", "--show-audit-urls=never", ...files];
}

/** Lines with a zizmor suppression that gives no reason after it (`# zizmor: ignore[audit] <why>`). */
export function unexplainedIgnores(file: string, text: string): string[] {
  return text
    .split("\n")
    .flatMap((line, i) =>
      line.includes("zizmor: ignore") && !/zizmor: ignore\[[a-z-]+(,\s*[a-z-]+)*\]\s+\S.{9,}/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
    );
}

export interface Check {
  readonly tool: string;
  readonly result: Command;
}

/** Checks that every zizmor suppression gives its reason, and runs both tools on the files; each result fails with a non-zero status. */
export function checkWorkflows(files: readonly string[], options: { cacheRoot?: string; run?: Runner } = {}): Check[] {
  const context = "lint";
  const run = options.run ?? runCommand;
  const actionlint = ensureActionlint({ context, cacheRoot: options.cacheRoot, run });
  const venv = ensureToolsVenv({ context, cacheRoot: options.cacheRoot, run });
  const unexplained = files.flatMap((file) => unexplainedIgnores(file, readFileSync(file, "utf8")));
  return [
    {
      tool: "zizmor suppressions without a reason",
      result: { status: unexplained.length === 0 ? 0 : 1, stdout: unexplained.join("\n"), stderr: "" },
    },
    { tool: `actionlint ${ACTIONLINT.version.slice(1)}`, result: run(actionlint.path, actionlintArgs(join(venv.path, "bin", "shellcheck"), files)) },
    { tool: `zizmor ${pythonToolVersions().zizmor}`, result: run(join(venv.path, "bin", "zizmor"), zizmorArgs(files)) },
  ];
}

if (require.main === module) {
  try {
    process.chdir(ROOT);
    const files = workflowFiles();
    const checks = checkWorkflows(files);
    const names = files.join(", ");
    for (const { tool, result } of checks) {
      if (result.status === 0) console.log(`lint: ${tool}: no findings in ${names}`);
      else console.error(`lint: ${tool} failed (exit ${result.status}) on ${names}:\n${[result.stdout, result.stderr].join("\n").trim()}`);
    }
    if (checks.some((c) => c.result.status !== 0)) process.exitCode = 1;
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
