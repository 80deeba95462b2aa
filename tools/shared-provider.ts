// One AWS provider process that several tofu commands attach to, instead of each command
// starting the 905 MB binary again (~3.5 CPU s a start, and an apply starts it several times).
// The provider runs in its debug mode and prints how to attach to it; tofu attaches through
// TF_REATTACH_PROVIDERS and leaves the process running when it exits.
//
// Share only where it cannot change a result:
// - an unconfigured provider, for commands that need only its schema (`validate`, `tofu test`
//   whose runs all use `mock_provider`);
// - a configured one, only within one working folder whose configuration has a single AWS
//   provider configuration (no alias), for that folder's commands one after another. A
//   reattached process is one provider instance: two aliases (two regions) would configure the
//   same instance in turn, so such folders start the provider per command, as tofu does.

import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EnginePaths, PROVIDER_ADDRESSES, ProviderConfigurations, providerPlatformDir } from "./engine";

export interface SharedProvider {
  readonly pid: number;
  /** The TF_REATTACH_PROVIDERS value that attaches tofu (or terraform) to this process. */
  readonly reattach: string;
  /** The process's own temporary folder (its plugin socket and output), removed when it stops. */
  readonly folder: string;
}

/** The provider binary in the engine's mirror: the built one, or the registry download. */
export function providerBinary(paths: EnginePaths): string {
  if (paths.providerBinary) return paths.providerBinary;
  const dir = providerPlatformDir(paths);
  const binary = dir && fs.readdirSync(dir).find((file) => file.startsWith("terraform-provider-aws"));
  if (!dir || !binary)
    throw new Error(`shared provider: no terraform-provider-aws binary in the engine's mirror ${paths.mirror}: run \`npm run engine\``);
  return path.join(dir, binary);
}

/** Whether a configuration's commands may share one configured provider: a single AWS provider configuration, no alias. */
export function canShareConfigured(config: ProviderConfigurations): boolean {
  const configured = config.provider?.aws ?? [];
  return configured.length === 1 && configured[0].alias === undefined;
}

/** How long a provider may take to print its attach line: its start is ~3.5 CPU s, more on a loaded machine. */
const START_TIMEOUT_MS = 180_000;

/**
 * Starts the provider in debug mode in a folder of its own under `parent` and resolves once it
 * prints how to attach. Detached, so it outlives the process that started it only until
 * `stopSharedProvider` (a jest teardown stops what a crashed worker left).
 */
export async function startSharedProvider(paths: EnginePaths, parent: string, env: NodeJS.ProcessEnv = process.env): Promise<SharedProvider> {
  const folder = fs.mkdtempSync(path.join(parent, "provider-"));
  const outputFile = path.join(folder, "output");
  const output = fs.openSync(outputFile, "w");
  // The plugin socket goes to the provider's TMPDIR: its own folder, removed with it.
  const child = spawn(providerBinary(paths), ["-debug"], { detached: true, stdio: ["ignore", output, output], env: { ...env, TMPDIR: folder } });
  fs.closeSync(output);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`shared provider: ${providerBinary(paths)} did not start`);
  const started = Date.now();
  for (;;) {
    const text = fs.readFileSync(outputFile, "utf8");
    const line = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(text);
    if (line) return { pid, reattach: reattachValue(line[1]), folder };
    if (child.exitCode !== null || child.signalCode !== null || Date.now() - started > START_TIMEOUT_MS) {
      stopSharedProvider({ pid, folder });
      throw new Error(
        `shared provider: ${providerBinary(paths)} -debug printed no attach line (exit ${child.exitCode ?? child.signalCode}):\n${text}`
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The provider prints its attach entry under registry.terraform.io; a configuration's `aws`
 * resolves to registry.opentofu.org under tofu. The same process under both addresses serves
 * either engine.
 */
function reattachValue(printed: string): string {
  const entries = Object.values(JSON.parse(printed) as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`shared provider: expected one attach entry, got ${printed}`);
  return JSON.stringify(Object.fromEntries(PROVIDER_ADDRESSES.map((address) => [address, entries[0]])));
}

/** Stops a shared provider (nothing to flush: it holds no state) and removes its folder. */
export function stopSharedProvider(provider: Pick<SharedProvider, "pid" | "folder">): void {
  try {
    process.kill(provider.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
  fs.rmSync(provider.folder, { recursive: true, force: true });
}
