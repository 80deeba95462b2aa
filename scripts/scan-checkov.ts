import { mkdirSync } from "fs";
import { join } from "path";
import { InstallOptions, commandFailed, InstalledTool, PythonTool, Runner, ensureVenv, pinnedVersion, repositoryRoot, runCommand } from "./python-venv";

export { defaultCacheRoot, runCommand } from "./python-venv";
export type { Command, Runner } from "./python-venv";

/** checkov from PyPI, pinned with every package it pulls in by scripts/scan-requirements.txt (see python-venv.ts). */
export const REQUIREMENTS_FILE = join(repositoryRoot(), "scripts", "scan-requirements.txt");

const CHECKOV: PythonTool = { packageName: "checkov", requirementsFile: REQUIREMENTS_FILE, caller: "scan" };

/** The pinned checkov version: the `checkov==` line of the requirements. */
export function checkovVersion(requirements: string): string {
  return pinnedVersion(CHECKOV, requirements);
}

export type Checkov = InstalledTool;

/** The venv `<cacheRoot>/checkov-<version>`, installed when missing or when the requirements changed. */
export function ensureCheckov(options: InstallOptions & { requirementsFile?: string } = {}): Checkov {
  return ensureVenv({ ...CHECKOV, requirementsFile: options.requirementsFile ?? REQUIREMENTS_FILE }, options);
}

/** Keeps checkov offline and quiet: no Prisma Cloud guideline download, no PyPI update check. */
const CHECKOV_ENV = { BC_SKIP_MAPPING: "TRUE", CKV_SKIP_PACKAGE_UPDATE_CHECK: "true", LOG_LEVEL: "ERROR" };

/** Runs checkov on one directory with one framework; returns its JSON report, parsed. */
export function runCheckov(checkov: Checkov, directory: string, framework: "terraform" | "terraform_json", run: Runner = runCommand): unknown {
  // The module's examples call it with `source = "../../"`: checkov 3.3 follows such calls without
  // applying optional() defaults of object variables, and reported versioning and access logging
  // missing where the engine's plan of the same example shows them on. The examples are left to
  // the engine (validated and planned offline); checkov reads the module itself.
  const skipExamples = framework === "terraform" ? ["--skip-path", "examples/"] : [];
  const args = ["-m", "checkov.main", "--directory", directory, "--framework", framework, ...skipExamples, "--output", "json", "--compact", "--soft-fail", "--skip-download"];
  // checkov's HCL parser (lark) caches its grammar in the temporary folder: keep it beside the
  // venv, where it is reused and leaves nothing in /tmp.
  const tmp = join(checkov.venv, "tmp");
  mkdirSync(tmp, { recursive: true });
  const result = run(join(checkov.venv, "bin", "python"), args, { ...process.env, ...CHECKOV_ENV, TMPDIR: tmp });
  // --soft-fail: failed checks exit 0, so any other exit is checkov itself failing.
  if (result.status !== 0) commandFailed("scan", `checkov on ${directory}`, result);
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    throw new Error(`scan: checkov on ${directory} printed no JSON report: ${result.stdout.slice(0, 300)}`);
  }
}
