import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engineEnv, enginePaths, EnginePaths, isBuilt, offlineProviders } from "../tools/engine";

/**
 * The Terraform engine (OpenTofu + the AWS provider built by tools/engine.ts) for tests.
 * `npm test` builds it before jest starts; a test file that needs it fails with a clear message
 * when it is missing, never skips.
 */
export function engine(): EnginePaths {
  const paths = enginePaths();
  if (!isBuilt(paths)) throw new Error(`the Terraform engine is not built (expected ${paths.tofu}): run \`npm run engine\` or \`npm test\``);
  return paths;
}

export interface TofuResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs tofu in `cwd`; returns its exit status and output (the caller asserts). */
export function tofu(cwd: string, args: string[]): TofuResult {
  const paths = engine();
  const run = spawnSync(paths.tofu, args, { cwd, env: engineEnv(paths), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs tofu in `cwd` without blocking, so checks of several folders run side by side. */
export function tofuAsync(cwd: string, args: string[]): Promise<TofuResult> {
  const paths = engine();
  return runAsync(paths.tofu, args, { cwd, env: engineEnv(paths) });
}

/** Runs a command without blocking (the emulators this process started keep being served); resolves with its exit status and output. */
export function runAsync(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<TofuResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }));
  });
}

function failure(cwd: string, args: string[], result: TofuResult): Error {
  return new Error(`tofu ${args.join(" ")} failed in ${cwd} (exit ${result.status}):\n${result.stderr}\n${result.stdout}`);
}

/** Runs tofu and throws, with its output, unless it exits 0. */
export function tofuOk(cwd: string, args: string[]): string {
  const result = tofu(cwd, args);
  if (result.status !== 0) throw failure(cwd, args, result);
  return result.stdout;
}

export async function tofuOkAsync(cwd: string, args: string[]): Promise<string> {
  const result = await tofuAsync(cwd, args);
  if (result.status !== 0) throw failure(cwd, args, result);
  return result.stdout;
}

export interface ValidateResult {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: { severity: string; summary: string; detail?: string }[];
}

/** `tofu validate -json`, parsed. */
export function validate(cwd: string): ValidateResult {
  return JSON.parse(tofu(cwd, ["validate", "-json", "-no-color"]).stdout) as ValidateResult;
}

export async function validateAsync(cwd: string): Promise<ValidateResult> {
  return JSON.parse((await tofuAsync(cwd, ["validate", "-json", "-no-color"])).stdout) as ValidateResult;
}

export interface PlannedChange {
  readonly address: string;
  readonly action: string;
}

/** What `tofu plan -json` (the machine-readable UI) reports: each planned change, each diagnostic. */
export interface PlanStream {
  readonly changes: PlannedChange[];
  readonly diagnostics: { severity: string; summary: string; detail?: string }[];
}

/** An offline plan (no refresh, no lock), read from its JSON UI stream; throws unless it succeeds. */
export async function planAsync(cwd: string): Promise<PlanStream> {
  const stdout = await tofuOkAsync(cwd, ["plan", "-refresh=false", "-input=false", "-lock=false", "-json"]);
  const messages = stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map(
      (line) =>
        JSON.parse(line) as { type: string; change?: { resource: { addr: string }; action: string }; diagnostic?: PlanStream["diagnostics"][number] }
    );
  return {
    changes: messages
      .filter((m) => m.type === "planned_change" && m.change)
      .map((m) => ({ address: m.change!.resource.addr, action: m.change!.action })),
    diagnostics: messages.filter((m) => m.type === "diagnostic" && m.diagnostic).map((m) => m.diagnostic!),
  };
}

/** Diagnostics in one line each, for failure messages. */
export function describeDiagnostics(result: { diagnostics: ValidateResult["diagnostics"] }): string {
  return result.diagnostics.map((d) => `${d.severity}: ${d.summary}${d.detail ? ` (${d.detail})` : ""}`).join("\n");
}

/**
 * An override file (merged by the engine, never part of what we ship) that runs a synthesized
 * stack here:
 * - the provider version: the bindings pin hashicorp/aws exactly (6.25.0) and the module proxy
 *   serves another build of the same major (docs/engine.md), so only that pin is relaxed;
 * - a local backend in the working folder, not the machine path cdktf writes;
 * - offline settings on each AWS provider configuration the stack has (an override may only
 *   amend a configuration that exists).
 */
export function engineOverride(stackJson: object): Record<string, unknown> {
  const providers = offlineProviders(stackJson);
  return {
    terraform: {
      required_providers: { aws: { source: "aws", version: engine().provider.version } },
      backend: { local: { path: "terraform.tfstate" } },
    },
    ...(providers.length > 0 ? { provider: { aws: providers } } : {}),
  };
}

/** Writes the engine override next to a synthesized stack. */
export function writeEngineOverride(stackDir: string, stackJson: object): void {
  fs.writeFileSync(path.join(stackDir, "engine_override.tf.json"), JSON.stringify(engineOverride(stackJson), null, 2));
}

/** A fresh temporary folder, removed by `removeTempDirs()`. */
const created: string[] = [];
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
