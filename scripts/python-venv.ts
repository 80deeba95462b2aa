import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "fs";
import { homedir } from "os";
import { dirname, join } from "path";

/**
 * Python tools from PyPI (checkov for the scan, moto for the AWS emulator), each installed once
 * into a virtual environment in a cache folder outside the repository (a clean clone reuses it),
 * pinned by a requirements file that lists the tool and every package it pulls in, as
 * `pip freeze` printed them. To move to another version: install it into a fresh venv and
 * `pip freeze > <requirements file>`.
 */

/** `${XDG_CACHE_HOME:-~/.cache}/cdktf-lookout-vision-encryption`, shared with the project's other caches. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "cdktf-lookout-vision-encryption");
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

/** A pinned Python tool: its package, the requirements that pin it, and the caller's name for errors. */
export interface PythonTool {
  /** The PyPI package whose `<package>==<version>` line names the version, e.g. "checkov". */
  readonly packageName: string;
  readonly requirementsFile: string;
  /** Prefix of error messages: the command that needs the tool ("scan", "emulator"). */
  readonly caller: string;
}

export interface InstalledTool {
  readonly version: string;
  readonly venv: string;
  /** Whether this call installed it (false: the cached venv was used). */
  readonly installed: boolean;
}

export interface InstallOptions {
  readonly cacheRoot?: string;
  readonly python?: string;
  readonly run?: Runner;
}

/** The pinned version of a package: its `<package>==` line of the requirements. */
export function pinnedVersion(tool: PythonTool, requirements: string): string {
  const match = new RegExp(`^${tool.packageName.replace(/[.[\]]/g, "\\$&")}==(\\S+)$`, "m").exec(requirements);
  if (!match) throw new Error(`${tool.caller}: ${tool.requirementsFile} has no "${tool.packageName}==<version>" line`);
  return match[1];
}

const MARKER = ".lve-requirements.sha256";

/** Throws the error of a failed command: the caller, what ran, its exit and the last lines it printed. */
export function commandFailed(caller: string, what: string, run: Command): never {
  throw new Error(`${caller}: ${what} failed (exit ${run.status}): ${(run.stderr || run.stdout).trim().split("\n").slice(-5).join("\n")}`);
}

/**
 * The venv `<cacheRoot>/<package>-<version>`, installed when missing or when the requirements
 * changed. It is built in a temporary folder and renamed into place, so an interrupted install
 * leaves nothing that looks finished (tools are run as `<venv>/bin/python -m ...`, which works
 * after the rename).
 */
export function ensureVenv(tool: PythonTool, options: InstallOptions = {}): InstalledTool {
  const requirements = readFileSync(tool.requirementsFile, "utf8");
  const version = pinnedVersion(tool, requirements);
  const digest = createHash("sha256").update(requirements).digest("hex");
  const venv = join(options.cacheRoot ?? defaultCacheRoot(), `${tool.packageName}-${version}`);
  const isCurrent = (dir: string) => existsSync(join(dir, MARKER)) && readFileSync(join(dir, MARKER), "utf8") === digest;
  if (isCurrent(venv)) return { version, venv, installed: false };

  const run = options.run ?? runCommand;
  const python = options.python ?? "python3";
  const probe = run(python, ["-c", "import sys; print(sys.version_info >= (3, 9))"]);
  if (probe.status !== 0 || probe.stdout.trim() !== "True") {
    throw new Error(
      `${tool.caller}: ${tool.packageName} ${version} needs Python 3.9 or newer as "${python}" on PATH, to install it from PyPI; ${probe.stderr.trim() || `got ${probe.stdout.trim()}`}`,
    );
  }
  mkdirSync(dirname(venv), { recursive: true });
  const partial = mkdtempSync(`${venv}.partial-`);
  try {
    const created = run(python, ["-m", "venv", partial]);
    if (created.status !== 0) commandFailed(tool.caller, `python3 -m venv ${partial}`, created);
    const pip = run(join(partial, "bin", "python"), ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "-r", tool.requirementsFile]);
    if (pip.status !== 0) commandFailed(tool.caller, `pip install -r ${tool.requirementsFile}`, pip);
    writeFileSync(join(partial, MARKER), digest);
    if (existsSync(venv) && !isCurrent(venv)) rmSync(venv, { recursive: true, force: true });
    if (!existsSync(venv)) renameSync(partial, venv);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { version, venv, installed: true };
}

/** The repository root: the folder above with package.json (scripts/ from source, dist/scripts/ compiled). */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}
