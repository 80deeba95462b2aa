import { mkdirSync, readFileSync } from "fs";
import { join } from "path";
import { Runner, cacheRoot, ensureVenv, pinnedVersion, repositoryRoot, runCommand, tail } from "./tool-cache";

/**
 * checkov from PyPI, installed once into a virtual environment in a cache folder outside the
 * repository (a clean clone reuses it), pinned by tools/scan-requirements.txt: checkov and
 * every package it pulls in, as `pip freeze` printed them. To move to another checkov:
 * install it into a fresh venv, `pip freeze > tools/scan-requirements.txt`.
 */

export const REQUIREMENTS_FILE = join(repositoryRoot(), "tools", "scan-requirements.txt");

/** The pinned checkov version: the `checkov==` line of the requirements. */
export function checkovVersion(requirements: string): string {
  return pinnedVersion(requirements, "checkov", `scan: ${REQUIREMENTS_FILE}`);
}

export interface Checkov {
  readonly version: string;
  readonly venv: string;
  /** Whether this call installed it (false: the cached venv was used). */
  readonly installed: boolean;
}

/**
 * The venv `<cacheRoot>/checkov-<version>`, installed when missing or when the requirements
 * changed (run as `<venv>/bin/python -m checkov.main`).
 */
export function ensureCheckov(options: { cacheRoot?: string; python?: string; run?: Runner; requirementsFile?: string } = {}): Checkov {
  const requirementsFile = options.requirementsFile ?? REQUIREMENTS_FILE;
  const version = checkovVersion(readFileSync(requirementsFile, "utf8"));
  const dir = join(options.cacheRoot ?? cacheRoot(), `checkov-${version}`);
  const venv = ensureVenv({
    dir,
    requirementsFile,
    label: { context: "scan", tool: `checkov ${version}` },
    python: options.python,
    run: options.run,
  });
  return { version, venv: venv.path, installed: venv.installed };
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
  const args = [
    "-m",
    "checkov.main",
    "--directory",
    directory,
    "--framework",
    framework,
    ...skipExamples,
    "--output",
    "json",
    "--compact",
    "--soft-fail",
    "--skip-download",
  ];
  // checkov's HCL parser (lark) caches its grammar in the temporary folder: keep it beside the
  // venv, where it is reused and leaves nothing in /tmp.
  const tmp = join(checkov.venv, "tmp");
  mkdirSync(tmp, { recursive: true });
  const result = run(join(checkov.venv, "bin", "python"), args, { ...process.env, ...CHECKOV_ENV, TMPDIR: tmp });
  // --soft-fail: failed checks exit 0, so any other exit is checkov itself failing.
  if (result.status !== 0) throw new Error(`scan: checkov on ${directory} failed (exit ${result.status}): ${tail(result)}`);
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    throw new Error(`scan: checkov on ${directory} printed no JSON report: ${result.stdout.slice(0, 300)}`);
  }
}
