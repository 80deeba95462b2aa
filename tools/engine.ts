#!/usr/bin/env node
// Builds the Terraform engine that `npm test` checks our output with: OpenTofu and the
// hashicorp/aws provider, compiled from the Go module proxy (no HashiCorp release downloads
// are reachable here) into a cache outside the repo. The last line printed is the path of
// `tofu`; the same folder holds `tofurc`, the CLI configuration that installs the provider
// from a local filesystem mirror, so `tofu init` needs no network.
//
//   node dist/tools/engine.js             build on first use, then print the tofu path
//   node dist/tools/engine.js --check     print the tofu path if built, exit 1 otherwise
//   node dist/tools/engine.js --versions  print `opentofu=`, `aws-provider=` and `mirror=` lines (the
//                                         format of $GITHUB_OUTPUT: the workflows install that OpenTofu
//                                         and cache that provider mirror)

import { spawn, SpawnOptions } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { schemaCacheProxy } from "./schema-cache";
import { cacheRoot } from "./tool-cache";

export interface ProviderBuild {
  readonly version: string;
  readonly module: string;
  readonly pseudoVersion: string;
}

export interface EnginePaths {
  readonly dir: string;
  readonly tofu: string;
  readonly tofurc: string;
  readonly mirror: string;
  /** Absent when ENGINE_PROVIDER=registry. */
  readonly providerBinary: string | undefined;
  /** ENGINE_PROVIDER=registry: the provider is downloaded into the mirror instead of built. */
  readonly fromRegistry: boolean;
  readonly provider: ProviderBuild;
  readonly bindingsProviderVersion: string;
  readonly opentofuVersion: string;
}

/** OpenTofu: the latest stable 1.x release on the module proxy (2026-11). */
const OPENTOFU = { module: "github.com/opentofu/opentofu", version: "v1.12.6", main: "github.com/opentofu/opentofu/cmd/tofu" };

/**
 * Builds of the AWS provider that the module proxy serves. Its v6.x tags are not Go module
 * versions (the module path has no /v6), so each build pins a commit as a pseudo-version. The
 * proxy here serves one commit only: 5f2286d6d836, whose version/VERSION says 6.47.1. The
 * commit of v6.25.0 (what @cdktf/provider-aws 21.x targets) is refused (403), see
 * docs/engine.md.
 */
const AWS_PROVIDER_BUILDS: readonly ProviderBuild[] = [
  { version: "6.47.1", module: "github.com/hashicorp/terraform-provider-aws", pseudoVersion: "v1.60.1-0.20260602190131-5f2286d6d836" },
];

const PROVIDER_ADDRESS = "registry.opentofu.org/hashicorp/aws";
const PLATFORM = `${process.platform === "win32" ? "windows" : process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;

/** The provider version the TypeScript bindings were generated for (read, never typed twice). */
function bindingsProviderVersion(): string {
  // Resolved by name, so the cdktn suite (which maps the name to @cdktn/provider-aws) reads its bindings' version.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manifest = require("@cdktf/provider-aws/package.json") as { cdktf?: { provider?: { version?: string } } };
  const version = manifest.cdktf?.provider?.version;
  if (!version) throw new Error("engine: @cdktf/provider-aws/package.json has no cdktf.provider.version");
  return version;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/**
 * The build for the bindings' version: the exact one if pinned, else the nearest pinned build of
 * the same major, newer ones first (a newer provider of one major accepts the older schema's
 * configuration; an older one is taken for newer bindings, such as cdktn's, whose synthesized
 * JSON is the same but for the version line). The difference is reported, never hidden.
 */
export function providerBuildFor(target: string): ProviderBuild {
  const major = target.split(".")[0];
  const sameMajor = AWS_PROVIDER_BUILDS.filter((b) => b.version.split(".")[0] === major);
  const newer = sameMajor.filter((b) => compareVersions(b.version, target) >= 0).sort((a, b) => compareVersions(a.version, b.version));
  const older = sameMajor.filter((b) => compareVersions(b.version, target) < 0).sort((a, b) => compareVersions(b.version, a.version));
  const build = [...newer, ...older][0];
  if (!build) {
    throw new Error(
      `engine: no pinned AWS provider build of major ${major} for ${target} (pinned: ${AWS_PROVIDER_BUILDS.map((b) => b.version).join(
        ", ",
      )}); add one to AWS_PROVIDER_BUILDS in tools/engine.ts`,
    );
  }
  return build;
}

/** ENGINE_BINARY as an absolute path: a bare name (`tofu`) is looked up on PATH. */
export function installedBinaryPath(value: string, searchPath: string = process.env.PATH || ""): string {
  if (value.includes(path.sep)) return path.resolve(value);
  const found = searchPath
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, value))
    .find((file) => fs.existsSync(file));
  return found || path.resolve(value);
}

/**
 * Where everything lives; keyed by both versions so an upgrade never reuses a stale build.
 * ENGINE_BINARY=<path or name on PATH> uses an installed `tofu` or `terraform` instead of building
 * OpenTofu; ENGINE_PROVIDER=registry downloads the provider the bindings target from the registry
 * into the mirror once (network needed then) instead of building one.
 */
export function enginePaths(): EnginePaths {
  const target = bindingsProviderVersion();
  const fromRegistry = process.env.ENGINE_PROVIDER === "registry";
  const provider: ProviderBuild = fromRegistry ? { version: target, module: "registry", pseudoVersion: "" } : providerBuildFor(target);
  const installedBinary = process.env.ENGINE_BINARY ? installedBinaryPath(process.env.ENGINE_BINARY) : undefined;

  const key = `tofu-${installedBinary ? "installed" : OPENTOFU.version.slice(1)}_aws-${provider.version}${fromRegistry ? "-registry" : ""}`;
  const dir = path.join(cacheRoot(), "engine", key);
  const mirror = path.join(dir, "mirror");
  return {
    dir,
    tofu: installedBinary || path.join(dir, "tofu"),
    tofurc: path.join(dir, "tofurc"),
    mirror,
    providerBinary: fromRegistry
      ? undefined
      : path.join(mirror, PROVIDER_ADDRESS, provider.version, PLATFORM, `terraform-provider-aws_v${provider.version}`),
    fromRegistry,
    provider,
    bindingsProviderVersion: target,
    opentofuVersion: OPENTOFU.version.slice(1),
  };
}

/** Environment for every engine run: our CLI configuration, no telemetry, no prompts. */
export function engineEnv(paths: EnginePaths): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: paths.tofurc, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
}

/** Fake credentials and the skip_* settings: a plan of resources to create calls no AWS API. */
const OFFLINE_PROVIDER = {
  access_key: "engine-offline",
  secret_key: "engine-offline",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
};

/** A Terraform JSON configuration, as far as its AWS provider configurations go. */
export interface ProviderConfigurations {
  readonly provider?: { readonly aws?: readonly { readonly alias?: string; readonly [setting: string]: unknown }[] };
}

/**
 * The given settings for each AWS provider configuration a Terraform JSON configuration has, as
 * the `provider.aws` list of an override file (an override may only amend what exists).
 */
export function providerSettingsFor(config: ProviderConfigurations, settings: Record<string, unknown>): Record<string, unknown>[] {
  const configured = config.provider?.aws ?? [];
  return configured.map((p) => (p.alias ? { alias: p.alias, ...settings } : settings));
}

/** The offline settings for each AWS provider configuration: a plan of creates calls no AWS API. */
export function offlineProviders(config: ProviderConfigurations): Record<string, unknown>[] {
  return providerSettingsFor(config, OFFLINE_PROVIDER);
}

/**
 * No plugin cache: concurrent `tofu init`s (the tests run several at once) are not safe on one,
 * and from an unpacked filesystem mirror tofu links the provider anyway. Rewritten when it
 * differs, so a change here reaches an engine built before it.
 */
function writeTofurc(paths: EnginePaths): void {
  const text = tofurcText(paths);
  if (!fs.existsSync(paths.tofurc) || fs.readFileSync(paths.tofurc, "utf8") !== text) fs.writeFileSync(paths.tofurc, text);
}

/** The hosts under which the mirror may hold hashicorp/aws: OpenTofu's registry, and Terraform's for a `terraform` ENGINE_BINARY. */
export const PROVIDER_ADDRESSES = [PROVIDER_ADDRESS, "registry.terraform.io/hashicorp/aws"];

/** The mirror's folder of the provider version for this platform, under either host; undefined when absent. */
export function providerPlatformDir(paths: EnginePaths): string | undefined {
  return PROVIDER_ADDRESSES.map((address) => path.join(paths.mirror, address, paths.provider.version, PLATFORM)).find((dir) => fs.existsSync(dir));
}

/** Whether the mirror holds the provider: the built binary, or a registry download of the version for this platform. */
function hasProvider(paths: EnginePaths): boolean {
  if (paths.providerBinary) return fs.existsSync(paths.providerBinary);
  return providerPlatformDir(paths) !== undefined;
}

export function isBuilt(paths: EnginePaths): boolean {
  return fs.existsSync(paths.tofu) && fs.existsSync(paths.tofurc) && hasProvider(paths);
}

/** CLI configuration: the provider only from the local mirror, so nothing reaches a registry. */
export function tofurcText(paths: EnginePaths): string {
  return [
    "# Written by tools/engine.ts: where tofu installs hashicorp/aws from (see provider_installation).",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(paths.mirror)}`,
    `    include = ${JSON.stringify(PROVIDER_ADDRESSES).replace(",", ", ")}`,
    "  }",
    "}",
    "",
  ].join("\n");
}

function elapsed(since: number): string {
  const seconds = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/** Runs one step, printing a heartbeat so a long compile never looks hung. */
function runStep(step: string, command: string, args: readonly string[], options: SpawnOptions & { readonly module: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    process.stderr.write(`[engine] ${step}: ${command} ${args.join(" ")}\n`);
    const output: Buffer[] = [];
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
    const heartbeat = setInterval(() => process.stderr.write(`[engine] ${step}: still running, ${elapsed(started)}\n`), 30_000);
    child.on("error", (error) => {
      clearInterval(heartbeat);
      reject(new Error(`engine: step "${step}" could not start ${command}: ${error.message}`));
    });
    child.on("close", (code) => {
      clearInterval(heartbeat);
      const text = Buffer.concat(output).toString();
      if (code === 0) {
        process.stderr.write(`[engine] ${step}: done in ${elapsed(started)}\n`);
        resolve(text);
      } else {
        reject(new Error(`engine: step "${step}" failed (exit ${code}) for ${options.module}:\n${text.trim().split("\n").slice(-25).join("\n")}`));
      }
    });
  });
}

/** `replace` directives of a go.mod, which `go install mod@version` refuses and a wrapper must repeat. */
export function replaceDirectives(goModText: string): string[] {
  const lines = goModText.split("\n");
  const directives: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "replace (") {
      for (i++; i < lines.length && lines[i].trim() !== ")"; i++) if (lines[i].trim()) directives.push(`replace ${lines[i].trim()}`);
    } else if (line.startsWith("replace ")) {
      directives.push(line);
    }
  }
  return directives;
}

function goDirective(goModText: string): string {
  const match = /^go\s+(\S+)/m.exec(goModText);
  return match ? match[1] : "1.26";
}

/**
 * Compiles `main` of `module@version` through a throwaway wrapper module that requires it and
 * repeats its replace lines, then links it to `output`.
 */
interface GoBinary {
  readonly name: string;
  readonly module: string;
  readonly version: string;
  readonly main: string;
  readonly ldflags: string;
  readonly output: string;
  readonly workRoot: string;
}

async function buildGoBinary({ name, module, version, main, ldflags, output, workRoot }: GoBinary): Promise<void> {
  const env = { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: process.env.GOTOOLCHAIN || "local" };
  const work = path.join(workRoot, `wrapper-${name}`);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const options = { cwd: work, env, module: `${module}@${version}` };
  const info = JSON.parse(
    await runStep(`${name}: download ${module}@${version}`, "go", ["mod", "download", "-json", `${module}@${version}`], options),
  ) as { Error?: string; GoMod: string };
  if (info.Error) throw new Error(`engine: the module proxy refused ${module}@${version}: ${info.Error}`);
  const goMod = fs.readFileSync(info.GoMod, "utf8");
  fs.writeFileSync(
    path.join(work, "go.mod"),
    [`module engine.local/${name}`, "", `go ${goDirective(goMod)}`, "", `require ${module} ${version}`, "", ...replaceDirectives(goMod), ""].join(
      "\n",
    ),
  );
  fs.writeFileSync(path.join(work, "tools.go"), `//go:build tools\n\npackage tools\n\nimport _ ${JSON.stringify(main)}\n`);
  await runStep(`${name}: resolve dependencies`, "go", ["mod", "tidy"], options);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  await runStep(`${name}: compile`, "go", ["build", "-ldflags", ldflags, "-o", output, main], options);
  fs.rmSync(work, { recursive: true, force: true });
}

/**
 * ENGINE_PROVIDER=registry: one `init` from the registry with the mirror as its plugin cache,
 * which leaves the provider there in the unpacked layout a filesystem mirror reads. Filled under
 * a temporary name and renamed, so a failed download never counts.
 */
async function downloadProvider(paths: EnginePaths): Promise<void> {
  const work = path.join(paths.dir, "registry-download");
  const partialMirror = `${paths.mirror}.partial`;
  for (const dir of [work, partialMirror]) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  fs.mkdirSync(partialMirror, { recursive: true });
  const config = { terraform: { required_providers: { aws: { source: "hashicorp/aws", version: paths.provider.version } } } };
  fs.writeFileSync(path.join(work, "main.tf.json"), `${JSON.stringify(config, null, 2)}\n`);
  fs.writeFileSync(path.join(work, "tofurc"), "provider_installation {\n  direct {}\n}\n");
  const env = { ...engineEnv(paths), TF_CLI_CONFIG_FILE: path.join(work, "tofurc"), TF_PLUGIN_CACHE_DIR: partialMirror };
  try {
    await runStep(`aws-provider: download hashicorp/aws ${paths.provider.version}`, paths.tofu, ["init", "-backend=false", "-no-color"], {
      cwd: work,
      env,
      module: "the registry (ENGINE_PROVIDER=registry needs it reachable)",
    });
    fs.rmSync(paths.mirror, { recursive: true, force: true });
    fs.renameSync(partialMirror, paths.mirror);
  } finally {
    for (const dir of [work, partialMirror]) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Peak memory of the provider's `go build`, measured on 2 cores (docs/performance.md): 9.6 to
 * 11.0 GiB. A machine with less fails only after many minutes, out of memory, so check first.
 */
export const PROVIDER_BUILD_GIB = 11;

/** Memory this process may use: the machine's, or its cgroup's limit when lower (a container, a CI runner). */
export function memoryLimitBytes(totalBytes: number = os.totalmem(), readFile: (file: string) => string | undefined = readIfPresent): number {
  const limits = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
    .map((file) => readFile(file)?.trim())
    .filter((text): text is string => text !== undefined && /^\d+$/.test(text))
    .map(Number);
  return Math.min(totalBytes, ...limits);
}

function readIfPresent(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

/** Why the provider cannot be built from source here (too little memory), or undefined when it can. */
export function providerBuildRefusal(limitBytes: number, paths: Pick<EnginePaths, "bindingsProviderVersion">): string | undefined {
  const gib = limitBytes / 1024 ** 3;
  if (gib >= PROVIDER_BUILD_GIB || process.env.ENGINE_MEMORY_CHECK === "off") return undefined;
  return [
    `engine: building the AWS provider from source needs about ${PROVIDER_BUILD_GIB} GiB of memory (its go build peaks at 9.6-11 GiB); this machine allows ${gib.toFixed(
      1,
    )} GiB.`,
    "Use an engine that needs no build instead:",
    `  ENGINE_BINARY=/path/to/tofu ENGINE_PROVIDER=registry npm test   (an installed tofu or terraform; hashicorp/aws ${paths.bindingsProviderVersion} downloaded from the registry once, network needed)`,
    "or build on a machine with more memory (ENGINE_MEMORY_CHECK=off tries anyway).",
  ].join("\n");
}

async function build(paths: EnginePaths): Promise<void> {
  const started = Date.now();
  const { provider } = paths;
  if (paths.providerBinary && !fs.existsSync(paths.providerBinary)) {
    const refusal = providerBuildRefusal(memoryLimitBytes(), paths);
    if (refusal) throw new Error(refusal);
  }
  if (paths.providerBinary && provider.version !== paths.bindingsProviderVersion) {
    process.stderr.write(
      `[engine] note: the bindings target hashicorp/aws ${paths.bindingsProviderVersion}; the module proxy serves ${provider.version} (${provider.pseudoVersion}), which is built instead\n`,
    );
  }
  fs.mkdirSync(paths.dir, { recursive: true });
  if (!fs.existsSync(paths.tofu)) {
    if (process.env.ENGINE_BINARY)
      throw new Error(`engine: ENGINE_BINARY=${process.env.ENGINE_BINARY} does not exist (neither a file nor a command on PATH)`);
    await buildGoBinary({
      name: "opentofu",
      module: OPENTOFU.module,
      version: OPENTOFU.version,
      main: OPENTOFU.main,
      ldflags: "-s -w -X github.com/opentofu/opentofu/version.dev=no",
      output: paths.tofu,
      workRoot: paths.dir,
    });
  }
  if (paths.fromRegistry && !hasProvider(paths)) await downloadProvider(paths);
  if (paths.providerBinary && !fs.existsSync(paths.providerBinary)) {
    await buildGoBinary({
      name: "aws-provider",
      module: provider.module,
      version: provider.pseudoVersion,
      main: provider.module,
      ldflags: `-s -w -X ${provider.module}/version.ProviderVersion=${provider.version}`,
      output: paths.providerBinary,
      workRoot: paths.dir,
    });
  }
  writeTofurc(paths);
  process.stderr.write(`[engine] ready in ${elapsed(started)}: OpenTofu ${paths.opentofuVersion}, hashicorp/aws ${provider.version}\n`);
}

/** `name=value` lines for $GITHUB_OUTPUT: the OpenTofu to install, the provider version and the mirror to cache. */
export function versionLines(paths: EnginePaths): string {
  return [`opentofu=${paths.opentofuVersion}`, `aws-provider=${paths.provider.version}`, `mirror=${paths.mirror}`].join("\n");
}

async function main(): Promise<void> {
  const paths = enginePaths();
  if (process.argv.includes("--versions")) {
    process.stdout.write(`${versionLines(paths)}\n`);
    return;
  }
  if (process.argv.includes("--check")) {
    if (!isBuilt(paths)) {
      process.stderr.write(`[engine] not built yet: run npm run engine (expected ${paths.tofu})\n`);
      process.exit(1);
    }
  } else {
    if (!isBuilt(paths)) await build(paths);
    else writeTofurc(paths);
    // The tests' shared providers sit behind it: built here, once, rather than by the first test that needs one.
    if (!schemaCacheProxy())
      process.stderr.write("[engine] note: no Go: the tests' shared providers run without tools/schema-cache-proxy (slower)\n");
  }
  process.stdout.write(`${paths.tofu}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
