import { ChildProcessByStdio, spawn } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Readable, Writable } from "stream";
import { Runner, cacheRoot, ensureVenv, pinnedVersion, repositoryRoot } from "./tool-cache";

/**
 * The local AWS emulator: moto's proxy mode (moto from PyPI, pinned by
 * tools/emulator/requirements.txt, installed once into the project's cache), started by
 * tools/emulator/launcher.py with the patches that close moto's gaps for our stacks.
 *
 *   npm run emulator [-- --account 123456789012 --alias eu_west_1 ...]
 *
 * prints `ready <path>` once it accepts requests: <path> is an override file that points the
 * AWS provider (and each alias given) at it. It stops on SIGINT or SIGTERM and removes its folder.
 * The npm script `exec`s node: npm forwards a SIGTERM to its child only, and a shell in between
 * would die of it and leave this process and moto running.
 */

const EMULATOR_FOLDER = join(repositoryRoot(), "tools", "emulator");
/** moto and every package it pulls in, as `pip freeze` printed them. */
export const REQUIREMENTS_FILE = join(EMULATOR_FOLDER, "requirements.txt");
export const LAUNCHER = join(EMULATOR_FOLDER, "launcher.py");
/** moto's own default account, used when none is given. */
export const DEFAULT_ACCOUNT = "123456789012";
/** The file name of the override: Terraform merges any `*_override.tf.json` into the configuration. */
export const OVERRIDE_FILE = "emulator_override.tf.json";
/** How long the launcher may take to accept requests (a cold import of moto takes about 2 s). */
const START_TIMEOUT_MS = 60_000;

export interface InstallOptions {
  readonly cacheRoot?: string;
  readonly python?: string;
  readonly run?: Runner;
}

/** The moto version REQUIREMENTS_FILE pins. */
export function motoVersion(): string {
  return pinnedVersion(readFileSync(REQUIREMENTS_FILE, "utf8"), "moto", `emulator: ${REQUIREMENTS_FILE}`);
}

/** The venv `<cacheRoot>/moto-<version>` with the pinned moto: its path, installed on first use. */
export function ensureEmulator(options: InstallOptions = {}): string {
  const version = motoVersion();
  const dir = join(options.cacheRoot ?? cacheRoot(), `moto-${version}`);
  return ensureVenv({
    dir,
    requirementsFile: REQUIREMENTS_FILE,
    label: { context: "emulator", tool: `moto ${version}` },
    python: options.python,
    run: options.run,
  }).path;
}

export interface EmulatorOptions extends InstallOptions {
  /** The account every request acts in: the account the stack names in its ARNs. */
  readonly account?: string;
  /**
   * Apply the launcher's patches to moto.
   * @default true (false runs moto as installed: the patch tests show each gap with it)
   */
  readonly patches?: boolean;
  /**
   * Seed of the identifiers moto makes (key IDs, and the ARNs that hold them): the same calls
   * then make the same identifiers on every run.
   * @default none (random identifiers, as AWS makes them)
   */
  readonly seed?: number;
}

/** A running emulator. */
export interface Emulator {
  readonly port: number;
  readonly account: string;
  /** moto's CA certificate, which signs the certificates the proxy presents. */
  readonly caBundle: string;
  /** Its own folder (certificates, override); removed by `stop()`. */
  readonly folder: string;
  /** The patches the launcher applied, by name. */
  readonly patches: string[];
  /** What the launcher printed on standard error, for failure messages. */
  log(): string;
  /** Resolves with the exit code when the process ends, for whatever reason. */
  readonly exited: Promise<number | null>;
  /** Stops it and removes its folder; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** The AWS provider arguments that send every call through the emulator. */
export function emulatorProviderSettings(emulator: Pick<Emulator, "port" | "caBundle">): Record<string, unknown> {
  const proxy = `http://127.0.0.1:${emulator.port}`;
  return {
    access_key: "emulator",
    secret_key: "emulator",
    http_proxy: proxy,
    https_proxy: proxy,
    custom_ca_bundle: emulator.caBundle,
    skip_metadata_api_check: true,
  };
}

/** An override file's content: the emulator's settings on the default AWS provider and each alias. */
export function emulatorOverride(emulator: Pick<Emulator, "port" | "caBundle">, aliases: readonly string[] = []): Record<string, unknown> {
  const settings = emulatorProviderSettings(emulator);
  return { provider: { aws: [settings, ...aliases.map((alias) => ({ alias, ...settings }))] } };
}

const ACCOUNT_PATTERN = /^\d{12}$/;

/** Starts the emulator (installing it on first use) and resolves once it accepts requests. */
export function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const account = options.account ?? DEFAULT_ACCOUNT;
  if (!ACCOUNT_PATTERN.test(account)) throw new Error(`emulator: account must be 12 digits, got ${JSON.stringify(account)}`);
  const venv = ensureEmulator(options);
  const folder = mkdtempSync(join(tmpdir(), "lve-emulator-"));
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    join(venv, "bin", "python"),
    [
      LAUNCHER,
      "--certs",
      join(folder, "certs"),
      "--account",
      account,
      ...(options.patches === false ? ["--no-patches"] : []),
      ...(options.seed !== undefined ? ["--seed", String(options.seed)] : []),
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  const stderr: string[] = [];
  child.stderr.on("data", (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(folder, { recursive: true, force: true });
  };

  return new Promise<Emulator>((resolve, reject) => {
    const lines: Record<string, string> = {};
    let buffered = "";
    const failed = (why: string) => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`emulator: ${why}\n${stderr.join("").trim().split("\n").slice(-20).join("\n")}`)));
    };
    const timer = setTimeout(() => failed(`not ready after ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const startError = (error: Error) => failed(`could not start ${LAUNCHER}: ${error.message}`);
    const earlyExit = (code: number | null) => failed(`the launcher exited (${code}) before it accepted requests`);
    child.on("error", startError);
    child.on("close", earlyExit);
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split("\n");
      buffered = complete.pop() ?? "";
      for (const line of complete) {
        const space = line.indexOf(" ");
        if (space > 0) lines[line.slice(0, space)] = line.slice(space + 1);
      }
      if (lines.listening === undefined || lines.ca === undefined) return;
      clearTimeout(timer);
      child.off("close", earlyExit);
      child.off("error", startError);
      // Keep reading: a full pipe would block the emulator.
      child.stdout.removeAllListeners("data");
      child.stdout.resume();
      resolve({
        port: Number(lines.listening),
        account,
        caBundle: lines.ca,
        folder,
        patches: (lines.patched ?? "").split(" ").filter((p) => p !== ""),
        log: () => stderr.join(""),
        exited,
        stop,
      });
    });
  });
}

interface CommandLine {
  readonly account?: string;
  readonly aliases: string[];
}

function parseArguments(args: readonly string[]): CommandLine {
  const parsed: { account?: string; aliases: string[] } = { aliases: [] };
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === "--account" && value !== undefined) parsed.account = args[++i];
    else if (args[i] === "--alias" && value !== undefined) parsed.aliases.push(args[++i]);
    else
      throw new Error(`emulator: unknown argument ${JSON.stringify(args[i])}; allowed: --account <12 digits>, --alias <provider alias> (repeatable)`);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { account, aliases } = parseArguments(process.argv.slice(2));
  const emulator = await startEmulator({ account });
  const override = join(emulator.folder, OVERRIDE_FILE);
  writeFileSync(override, `${JSON.stringify(emulatorOverride(emulator, aliases), null, 2)}\n`);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    void emulator.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  void emulator.exited.then((code) => {
    if (stopping) return;
    process.stderr.write(`emulator: moto stopped on its own (exit ${code}):\n${emulator.log().trim().split("\n").slice(-20).join("\n")}\n`);
    void emulator.stop().then(() => process.exit(1));
  });
  process.stdout.write(`ready ${override}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
