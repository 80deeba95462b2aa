// One AWS provider process that several tofu commands attach to, instead of each command
// starting the 905 MB binary again (~3.5 CPU s a start, and an apply starts it several times).
// The provider runs in its debug mode and prints how to attach to it; tofu attaches through
// TF_REATTACH_PROVIDERS and leaves the process running when it exits.
//
// In front of the provider, tools/schema-cache-proxy answers every schema request after the first
// from memory: the provider builds and encodes its whole schema on each (~1.7 CPU s), and every
// tofu command asks. Built once with Go into the cache; without Go the provider is used directly.
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
import * as os from "os";
import * as path from "path";
import { EnginePaths, PROVIDER_ADDRESSES, ProviderConfigurations, providerPlatformDir } from "./engine";
import { schemaCacheProxy } from "./schema-cache";

export interface SharedProvider {
  /** The provider's process, and the schema cache's in front of it when there is one. */
  readonly pids: readonly number[];
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

/** How long a provider may take to print its attach line: its start is ~1 CPU s, more on a loaded machine. */
const START_TIMEOUT_MS = 180_000;

/**
 * A Unix socket's path holds at most 107 bytes: the sockets go to a short folder of their own in
 * the temporary folder, or in /tmp when that folder's own path is long (a nested TMPDIR, as in CI).
 */
function socketFolder(): string {
  const base = os.tmpdir().length <= 64 ? os.tmpdir() : "/tmp";
  return fs.mkdtempSync(path.join(base, "tfp-"));
}

/**
 * Starts the provider in debug mode in a folder of its own (`socketFolder`), and the schema cache
 * in front of it, and resolves once both accept connections. Detached, so they outlive the
 * process that started them until `stopSharedProvider` (a jest teardown stops what a crashed
 * worker left).
 */
export async function startSharedProvider(paths: EnginePaths, env: NodeJS.ProcessEnv = process.env): Promise<SharedProvider> {
  const folder = socketFolder();
  const pids: number[] = [];
  try {
    // The plugin socket goes to the provider's TMPDIR: its own folder, removed with it.
    const provider = await startDetached(
      providerBinary(paths),
      ["-debug"],
      folder,
      "provider",
      { ...env, TMPDIR: folder },
      /TF_REATTACH_PROVIDERS='([^']+)'/,
    );
    pids.push(provider.pid);
    const entry = attachEntry(provider.match[1]);
    const proxyBinary = schemaCacheProxy();
    if (proxyBinary) {
      const socket = path.join(folder, "schema-cache.sock");
      const proxy = await startDetached(proxyBinary, ["-listen", socket, "-upstream", entry.Addr.String], folder, "schema-cache", env, /^ready$/m);
      pids.push(proxy.pid);
      return { pids, reattach: reattachValue({ ...entry, Addr: { Network: "unix", String: socket } }), folder };
    }
    return { pids, reattach: reattachValue(entry), folder };
  } catch (error) {
    stopSharedProvider({ pids, folder });
    throw error;
  }
}

/** Starts a detached process whose output goes to `<folder>/<name>.log`; resolves when that output matches `ready`. */
async function startDetached(
  binary: string,
  args: string[],
  folder: string,
  name: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ pid: number; match: RegExpExecArray }> {
  const outputFile = path.join(folder, `${name}.log`);
  const output = fs.openSync(outputFile, "w");
  const child = spawn(binary, args, { detached: true, stdio: ["ignore", output, output], env });
  fs.closeSync(output);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`shared provider: ${binary} did not start`);
  const started = Date.now();
  for (;;) {
    const text = fs.readFileSync(outputFile, "utf8");
    const match = ready.exec(text);
    if (match) return { pid, match };
    if (child.exitCode !== null || child.signalCode !== null || Date.now() - started > START_TIMEOUT_MS) {
      stopSharedProvider({ pids: [pid], folder: undefined });
      throw new Error(`shared provider: ${binary} ${args.join(" ")} did not get ready (exit ${child.exitCode ?? child.signalCode}):\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface AttachEntry {
  readonly Addr: { readonly Network: string; readonly String: string };
  readonly [field: string]: unknown;
}

function attachEntry(printed: string): AttachEntry {
  const entries = Object.values(JSON.parse(printed) as Record<string, AttachEntry>);
  if (entries.length !== 1) throw new Error(`shared provider: expected one attach entry, got ${printed}`);
  return entries[0];
}

/**
 * The provider prints its attach entry under registry.terraform.io; a configuration's `aws`
 * resolves to registry.opentofu.org under tofu. The same process under both addresses serves
 * either engine.
 */
function reattachValue(entry: AttachEntry): string {
  return JSON.stringify(Object.fromEntries(PROVIDER_ADDRESSES.map((address) => [address, entry])));
}

/** Stops a shared provider and its schema cache (nothing to flush: they hold no state) and removes their folder. */
export function stopSharedProvider(provider: { readonly pids: readonly number[]; readonly folder: string | undefined }): void {
  for (const pid of provider.pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  if (provider.folder) fs.rmSync(provider.folder, { recursive: true, force: true });
}
