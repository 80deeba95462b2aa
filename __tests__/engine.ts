import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engineEnv, enginePaths, EnginePaths, isBuilt, offlineProviders, ProviderConfigurations } from "../tools/engine";
import { canShareConfigured, SharedProvider, startSharedProvider, stopSharedProvider } from "../tools/shared-provider";
import { oncePerRun, runFolder } from "./once-per-run";

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

/**
 * Which provider process a command uses: its own, started by tofu (the default); or the run's
 * shared, unconfigured one, for commands that need only the schema (`validate`, and `tofu test`
 * whose files all use `mock_provider`). A folder given `shareConfiguredProvider` uses its own
 * shared one for every command after that.
 */
export type ProviderUse = "own" | "schema-only";

/** Runs tofu in `cwd`; returns its exit status and output (the caller asserts). */
export function tofu(cwd: string, args: string[]): TofuResult {
  const paths = engine();
  const run = spawnSync(paths.tofu, args, { cwd, env: envFor(cwd), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs tofu in `cwd` without blocking, so checks of several folders run side by side. */
export async function tofuAsync(cwd: string, args: string[], use: ProviderUse = "own"): Promise<TofuResult> {
  const paths = engine();
  if (use === "schema-only" && args[0] === "test") assertMocksOnly(cwd);
  const env = use === "schema-only" ? { ...envFor(cwd), TF_REATTACH_PROVIDERS: (await schemaProvider()).reattach } : envFor(cwd);
  return runAsync(paths.tofu, args, { cwd, env });
}

/** `tofu test` may run on the unconfigured shared provider only when every test file mocks it: a `provider` block would configure it. */
function assertMocksOnly(cwd: string): void {
  const files = [cwd, path.join(cwd, "tests")]
    .filter((dir) => fs.existsSync(dir))
    .flatMap((dir) =>
      fs
        .readdirSync(dir)
        .filter((file) => file.endsWith(".tftest.hcl"))
        .map((file) => path.join(dir, file)),
    );
  const unmocked = files.filter((file) => {
    const text = fs.readFileSync(file, "utf8");
    return !/^mock_provider "aws"/m.test(text) || /^provider "aws"/m.test(text);
  });
  if (files.length === 0 || unmocked.length > 0)
    throw new Error(
      `tofu test on the shared schema provider needs mock_provider "aws" in every test file, and no provider "aws" block: ${
        unmocked.join(", ") || `no test files in ${cwd}`
      }`,
    );
}

/** The engine's environment, attached to the folder's shared provider if it has one. */
function envFor(cwd: string): NodeJS.ProcessEnv {
  return { ...engineEnv(engine()), ...sharedProviderEnv(cwd) };
}

/** TF_REATTACH_PROVIDERS for the folder's shared provider (for a CLI that runs tofu there itself), or nothing. */
export function sharedProviderEnv(dir: string): Record<string, string> {
  const shared = configuredProviders.get(path.resolve(dir));
  return shared ? { TF_REATTACH_PROVIDERS: shared.reattach } : {};
}

/**
 * Where this run records the shared providers it starts (in jest's run folder, which the global
 * teardown reads to stop whatever a crashed worker left running).
 */
function sharedProvidersFolder(): string {
  const folder = path.join(runFolder(), SHARED_PROVIDERS);
  fs.mkdirSync(folder, { recursive: true });
  return folder;
}

/** The folder name, under the run folder, of the shared providers' records. */
export const SHARED_PROVIDERS = "shared-providers";

/** Starts a shared provider and records it under `name` for the teardown. */
async function startRecorded(name: string): Promise<SharedProvider> {
  const folder = sharedProvidersFolder();
  const provider = await startSharedProvider(engine(), engineEnv(engine()));
  fs.writeFileSync(path.join(folder, `${name}.json`), JSON.stringify(provider));
  return provider;
}

let schemaProviderOfWorker: Promise<SharedProvider> | undefined;

/** The run's one unconfigured provider: started by the first worker that asks, attached to by every other; the global teardown stops it. */
function schemaProvider(): Promise<SharedProvider> {
  schemaProviderOfWorker ??= oncePerRun("schema-provider", 240_000, () => startRecorded("schema-only"));
  return schemaProviderOfWorker;
}

/** Each folder's shared provider, and the name of its record. */
const configuredProviders = new Map<string, SharedProvider & { readonly record: string }>();
let configuredStarted = 0;

/**
 * From now on, the folder's tofu commands attach to one provider process of their own, when its
 * configuration allows it (one AWS provider configuration, no alias); the commands must run one
 * after another. Returns whether it shares. `removeTempDirs` stops them.
 */
export async function shareConfiguredProvider(dir: string, config: object): Promise<boolean> {
  if (!canShareConfigured(config as ProviderConfigurations)) return false;
  const key = path.resolve(dir);
  if (!configuredProviders.has(key)) {
    const record = `configured-${process.pid}-${(configuredStarted += 1)}`;
    configuredProviders.set(key, { ...(await startRecorded(record)), record });
  }
  return true;
}

/** Stops the folders' shared providers (`removeTempDirs` does, in each file's afterAll) and removes their records. */
function stopConfiguredProviders(): void {
  if (configuredProviders.size === 0) return;
  const folder = sharedProvidersFolder();
  for (const provider of configuredProviders.values()) {
    stopSharedProvider(provider);
    fs.rmSync(path.join(folder, `${provider.record}.json`), { force: true });
  }
  configuredProviders.clear();
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

export async function tofuOkAsync(cwd: string, args: string[], use: ProviderUse = "own"): Promise<string> {
  const result = await tofuAsync(cwd, args, use);
  if (result.status !== 0) throw failure(cwd, args, result);
  return result.stdout;
}

export interface ValidateResult {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: { severity: string; summary: string; detail?: string }[];
}

/** `tofu validate -json`, parsed; on the shared schema provider unless `use` says otherwise. */
export async function validateAsync(cwd: string, use: ProviderUse = "schema-only"): Promise<ValidateResult> {
  return JSON.parse((await tofuAsync(cwd, ["validate", "-json", "-no-color"], use)).stdout) as ValidateResult;
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
        JSON.parse(line) as { type: string; change?: { resource: { addr: string }; action: string }; diagnostic?: PlanStream["diagnostics"][number] },
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

/** Removes the temporary folders, stopping the providers they shared first. */
export function removeTempDirs(): void {
  stopConfiguredProviders();
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
