import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "fs";
import { homedir } from "os";
import { dirname, join } from "path";

/**
 * Development tools from the registries (a Python virtual environment from PyPI, a Go binary from
 * the Go module proxy), installed once into the project's cache folder outside the repository,
 * so a clean clone reuses them. An install is built under a temporary name and renamed into
 * place when complete: an interrupted one never looks finished.
 */

/** `${XDG_CACHE_HOME:-~/.cache}/cdktf-lookout-vision-encryption`, shared with the project's other caches. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "cdktf-lookout-vision-encryption");
}

/** The repository root: the folder above with package.json (tools/ from source, dist/tools/ compiled). */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
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

/** The last lines a failed command printed. */
export function tail(run: Command, lines = 5): string {
  return (run.stderr || run.stdout).trim().split("\n").slice(-lines).join("\n");
}

/** Who installs what, for messages: `scan` installing `checkov 3.3.30`. */
export interface ToolLabel {
  /** The command that needs the tool; it starts every message. */
  readonly context: string;
  /** The tool and its version. */
  readonly tool: string;
}

export interface Installed {
  readonly path: string;
  /** Whether this call installed it (false: the cached one was used). */
  readonly installed: boolean;
}

/** `pip freeze`-style requirements: every line `name==version`. */
export function pinnedVersion(requirements: string, name: string, file: string): string {
  const match = new RegExp(`^${name.replace(/[-_.]/g, "[-_.]")}==(\\S+)$`, "im").exec(requirements);
  if (!match) throw new Error(`${file} has no "${name}==<version>" line`);
  return match[1];
}

const VENV_MARKER = ".lve-requirements.sha256";

/**
 * The virtual environment `dir`, installed with `pip install -r requirementsFile` when missing
 * or when the requirements changed (a digest of them is kept in the venv). Run its programs as
 * `<venv>/bin/python -m <module>` or `<venv>/bin/<script>`: both work after the rename.
 */
export function ensureVenv(options: { dir: string; requirementsFile: string; label: ToolLabel; python?: string; run?: Runner }): Installed {
  const { dir, requirementsFile, label } = options;
  const digest = createHash("sha256").update(readFileSync(requirementsFile)).digest("hex");
  const isCurrent = (venv: string) => existsSync(join(venv, VENV_MARKER)) && readFileSync(join(venv, VENV_MARKER), "utf8") === digest;
  if (isCurrent(dir)) return { path: dir, installed: false };

  const run = options.run ?? runCommand;
  const python = options.python ?? "python3";
  const probe = run(python, ["-c", "import sys; print(sys.version_info >= (3, 9))"]);
  if (probe.status !== 0 || probe.stdout.trim() !== "True") {
    throw new Error(
      `${label.context}: ${label.tool} needs Python 3.9 or newer as "${python}" on PATH, to install it from PyPI; ${
        probe.stderr.trim() || `got ${probe.stdout.trim()}`
      }`,
    );
  }
  mkdirSync(dirname(dir), { recursive: true });
  const partial = mkdtempSync(`${dir}.partial-`);
  try {
    const created = run(python, ["-m", "venv", partial]);
    if (created.status !== 0) throw new Error(`${label.context}: ${python} -m venv ${partial} failed (exit ${created.status}): ${tail(created)}`);
    const pip = run(join(partial, "bin", "python"), [
      "-m",
      "pip",
      "install",
      "--disable-pip-version-check",
      "--no-input",
      "--quiet",
      "-r",
      requirementsFile,
    ]);
    if (pip.status !== 0) {
      throw new Error(
        `${label.context}: could not install ${label.tool} from PyPI (is it reachable?): pip install -r ${requirementsFile} failed (exit ${
          pip.status
        }): ${tail(pip)}`,
      );
    }
    writeFileSync(join(partial, VENV_MARKER), digest);
    if (existsSync(dir) && !isCurrent(dir)) rmSync(dir, { recursive: true, force: true });
    if (!existsSync(dir)) renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { path: dir, installed: true };
}

/**
 * The binary `<dir>/<name>`, built by `go install <pkg>@<version>` from the Go module proxy when
 * missing. The folder is keyed by the version, so a new pin builds anew.
 */
export function ensureGoBinary(options: { dir: string; name: string; pkg: string; version: string; label: ToolLabel; run?: Runner }): Installed {
  const { pkg, version } = options;
  return buildGoInto(options, `go install ${pkg}@${version}`, (run, partial) =>
    run("go", ["install", "-trimpath", `${pkg}@${version}`], { ...process.env, GOBIN: partial, GOFLAGS: "-mod=mod" }),
  );
}

/**
 * A Go program of this repository (a folder with go.mod and go.sum), built into `dir` once; `dir`
 * should name the source's digest (`sourceDigest`), so a change builds again.
 */
export function ensureLocalGoBinary(options: { dir: string; name: string; source: string; label: ToolLabel; run?: Runner }): Installed {
  const { name, source } = options;
  return buildGoInto(options, `go build in ${source}`, (run, partial) =>
    run("go", ["-C", source, "build", "-trimpath", "-o", join(partial, name), "."], { ...process.env, GOFLAGS: "-mod=readonly" }),
  );
}

/** A digest of the files under a folder (their paths relative to it, and contents, sorted), for cache keys. */
export function sourceDigest(folder: string): string {
  const hash = createHash("sha256");
  const files = readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((file) => statSync(join(folder, file)).isFile());
  for (const file of files.sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(folder, file)))
      .update("\0");
  return hash.digest("hex");
}

/** Go is not installed (or not on PATH): a tool built with it cannot be had here. */
export class GoUnavailableError extends Error {}

/** Builds a Go binary under a temporary name and renames it into `dir` when complete. */
function buildGoInto(
  options: { dir: string; name: string; label: ToolLabel; run?: Runner },
  what: string,
  build: (run: Runner, partial: string) => Command,
): Installed {
  const { dir, name, label } = options;
  const binary = join(dir, name);
  if (existsSync(binary)) return { path: binary, installed: false };

  const run = options.run ?? runCommand;
  mkdirSync(dirname(dir), { recursive: true });
  const partial = mkdtempSync(`${dir}.partial-`);
  try {
    const built = build(run, partial);
    if (built.status === null)
      throw new GoUnavailableError(`${label.context}: ${label.tool} is built with Go, which could not be started: ${built.stderr}`);
    if (built.status !== 0) {
      throw new Error(
        `${label.context}: could not build ${label.tool} from the Go module proxy (is it reachable?): ${what} failed (exit ${built.status}): ${tail(
          built,
        )}`,
      );
    }
    if (!existsSync(join(partial, name))) throw new Error(`${label.context}: ${what} wrote no ${name} into ${partial}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { path: binary, installed: true };
}
