import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { cacheRoot } from "./cache";

/**
 * checkov from PyPI, installed once into a virtual environment in a cache folder outside the
 * repository (a clean clone reuses it), pinned by tools/scan-requirements.txt: checkov and
 * every package it pulls in, as `pip freeze` printed them. To move to another checkov:
 * install it into a fresh venv, `pip freeze > tools/scan-requirements.txt`.
 */

function repositoryRoot(): string {
  // tools/ when run from source (jest), dist/tools/ when compiled.
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

export const REQUIREMENTS_FILE = join(repositoryRoot(), "tools", "scan-requirements.txt");

/** The pinned checkov version: the `checkov==` line of the requirements. */
export function checkovVersion(requirements: string): string {
  const match = /^checkov==(\S+)$/m.exec(requirements);
  if (!match) throw new Error(`scan: ${REQUIREMENTS_FILE} has no "checkov==<version>" line`);
  return match[1];
}

export interface Command {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export type Runner = (command: string, args: readonly string[], env?: NodeJS.ProcessEnv) => Command;

export const runCommand: Runner = (command, args, env) => {
  const run = spawnSync(command, args, { encoding: "utf8", maxBuffer: 512 * 1024 * 1024, env: env ?? process.env });
  if (run.error) return { status: null, stdout: "", stderr: run.error.message };
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

export interface Checkov {
  readonly version: string;
  readonly venv: string;
  /** Whether this call installed it (false: the cached venv was used). */
  readonly installed: boolean;
}

const MARKER = ".lve-requirements.sha256";

function fail(what: string, run: Command): never {
  throw new Error(`scan: ${what} failed (exit ${run.status}): ${(run.stderr || run.stdout).trim().split("\n").slice(-5).join("\n")}`);
}

/**
 * The venv `<cacheRoot>/checkov-<version>`, installed when missing or when the requirements
 * changed. It is built in a temporary folder and renamed into place, so an interrupted install
 * leaves nothing that looks finished (the venv is run as `<venv>/bin/python -m checkov.main`,
 * which works after the rename).
 */
export function ensureCheckov(options: { cacheRoot?: string; python?: string; run?: Runner; requirementsFile?: string } = {}): Checkov {
  const requirementsFile = options.requirementsFile ?? REQUIREMENTS_FILE;
  const requirements = readFileSync(requirementsFile, "utf8");
  const version = checkovVersion(requirements);
  const digest = createHash("sha256").update(requirements).digest("hex");
  const venv = join(options.cacheRoot ?? cacheRoot(), `checkov-${version}`);
  const isCurrent = (dir: string) => existsSync(join(dir, MARKER)) && readFileSync(join(dir, MARKER), "utf8") === digest;
  if (isCurrent(venv)) return { version, venv, installed: false };

  const run = options.run ?? runCommand;
  const python = options.python ?? "python3";
  const probe = run(python, ["-c", "import sys; print(sys.version_info >= (3, 9))"]);
  if (probe.status !== 0 || probe.stdout.trim() !== "True") {
    throw new Error(`scan: checkov ${version} needs Python 3.9 or newer as "${python}" on PATH, to install it from PyPI; ${probe.stderr.trim() || `got ${probe.stdout.trim()}`}`);
  }
  mkdirSync(dirname(venv), { recursive: true });
  const partial = mkdtempSync(`${venv}.partial-`);
  try {
    const created = run(python, ["-m", "venv", partial]);
    if (created.status !== 0) fail(`python3 -m venv ${partial}`, created);
    const pip = run(join(partial, "bin", "python"), ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "-r", requirementsFile]);
    if (pip.status !== 0) fail(`pip install -r ${requirementsFile}`, pip);
    writeFileSync(join(partial, MARKER), digest);
    if (existsSync(venv) && !isCurrent(venv)) rmSync(venv, { recursive: true, force: true });
    if (!existsSync(venv)) renameSync(partial, venv);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { version, venv, installed: true };
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
  if (result.status !== 0) fail(`checkov on ${directory}`, result);
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    throw new Error(`scan: checkov on ${directory} printed no JSON report: ${result.stdout.slice(0, 300)}`);
  }
}
