import { existsSync, readFileSync } from "fs";
import { basename, dirname, isAbsolute, join } from "path";

/**
 * The package comes in two flavours built from one source: for cdktf (HashiCorp's CDK for
 * Terraform, archived) and for cdktn (CDK Terrain, its maintained fork). The source imports
 * cdktf; the cdktn flavour is the same compiled code with the engine's packages renamed in its
 * imports (JS and declarations) and in its package.json.
 */
export interface Flavour {
  /** The CDK engine the flavour runs on; its package name starts with it. */
  readonly engine: "cdktf" | "cdktn";
  /** How the engine is called in the package description. */
  readonly label: string;
  /** Packages the source imports, renamed to this engine's packages (empty: the source's own engine). */
  readonly renames: Readonly<Record<string, string>>;
  /** The engine's AWS provider bindings. */
  readonly providerPackage: string;
}

export const CDKTF: Flavour = { engine: "cdktf", label: "CDKTF", renames: {}, providerPackage: "@cdktf/provider-aws" };
export const CDKTN: Flavour = {
  engine: "cdktn",
  label: "CDK Terrain (cdktn)",
  renames: { cdktf: "cdktn", "@cdktf/provider-aws": "@cdktn/provider-aws" },
  providerPackage: "@cdktn/provider-aws",
};
export const FLAVOURS: readonly Flavour[] = [CDKTF, CDKTN];

export interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly keywords?: readonly string[];
  readonly repository?: { readonly type: string; readonly url: string };
  readonly scripts?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

/** The nearest folder at or above `from` with a package.json: the repository root from tools/ and from dist/tools/. */
export function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`);
  }
}

export const ROOT = packageRoot(__dirname);

export function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
}

/** A module specifier with the flavour's package names: `cdktf/lib/x` -> `cdktn/lib/x`. */
export function renameSpecifier(specifier: string, flavour: Flavour): string {
  for (const [from, to] of Object.entries(flavour.renames)) {
    if (specifier === from || specifier.startsWith(`${from}/`)) return to + specifier.slice(from.length);
  }
  return specifier;
}

/** Specifiers of `require("…")`, `import("…")`, `import … from "…"`, `export … from "…"` and `import "…"`. */
const MODULE_SPECIFIER = /(\brequire\(\s*|\bimport\(\s*|\bfrom\s+|\bimport\s+)(["'])([^"'\n]+)\2/g;

/**
 * Compiled JS or a declaration file with the flavour's package names. Fails when a renamed
 * package is still named in a string afterwards (a form of import the rewrite does not know).
 */
export function rewriteImports(code: string, flavour: Flavour, file = "<code>"): string {
  const rewritten = code.replace(
    MODULE_SPECIFIER,
    (_match, before: string, quote: string, specifier: string) => `${before}${quote}${renameSpecifier(specifier, flavour)}${quote}`,
  );
  const names = Object.keys(flavour.renames);
  const namesPackage = (line: string) =>
    names.some((name) => ['"', "'"].some((q) => line.includes(`${q}${name}${q}`) || line.includes(`${q}${name}/`)));
  const left = rewritten.split("\n").flatMap((line, i) => (namesPackage(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
  if (left.length > 0) throw new Error(`${flavour.engine} flavour: ${file} still names ${names.join(" or ")} after the rewrite:\n${left.join("\n")}`);
  return rewritten;
}

/** The flavour's package name: `cdktf-lookout-vision-encryption` -> `cdktn-lookout-vision-encryption`. */
export function flavourName(source: PackageJson, flavour: Flavour): string {
  if (!source.name.startsWith(`${CDKTF.engine}-`))
    throw new Error(`package name ${source.name} must start with "${CDKTF.engine}-": the flavours replace that prefix`);
  return flavour.engine + source.name.slice(CDKTF.engine.length);
}

/** Fields of the repository's package.json that only its own development uses. */
const REPOSITORY_ONLY_FIELDS = ["scripts", "devDependencies"];

/**
 * The flavour's package.json. The cdktf flavour is the repository's package.json as is. Others:
 * name, description and keywords name their engine; each renamed peer takes the range of the
 * devDependency of that name (the version the tests run on); scripts and devDependencies,
 * which belong to this repository, are left out.
 */
export function flavourManifest(source: PackageJson, flavour: Flavour): PackageJson {
  if (Object.keys(flavour.renames).length === 0) return source;
  const description = source.description ?? "";
  if (!description.startsWith(CDKTF.label))
    throw new Error(`package description must start with "${CDKTF.label}": the ${flavour.engine} flavour replaces it`);
  const peerDependencies = Object.fromEntries(
    Object.entries(source.peerDependencies ?? {}).map(([name, range]) => {
      const renamed = renameSpecifier(name, flavour);
      if (renamed === name) return [name, range];
      const tested = source.devDependencies?.[renamed];
      if (!tested)
        throw new Error(`${flavour.engine} flavour: peer ${name} becomes ${renamed}, which needs a devDependency (the range the tests run on)`);
      return [renamed, tested];
    }),
  );
  const published = Object.fromEntries(Object.entries(source).filter(([field]) => !REPOSITORY_ONLY_FIELDS.includes(field))) as PackageJson;
  return {
    ...published,
    name: flavourName(source, flavour),
    description: flavour.label + description.slice(CDKTF.label.length),
    keywords: source.keywords?.map((keyword) => renameSpecifier(keyword, flavour)),
    peerDependencies,
  };
}

/** The version of a package that package-lock.json pins (what `npm ci` installs). */
export function lockedVersion(root: string, name: string): string {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`package-lock.json has no node_modules/${name}: add it to devDependencies`);
  return version;
}

/** `name@version` of the flavour's peers at the locked versions: what the consumer test installs with the package. */
export function lockedPeers(root: string, flavour: Flavour): string[] {
  return Object.keys(flavourManifest(readPackage(root), flavour).peerDependencies ?? {}).map((name) => `${name}@${lockedVersion(root, name)}`);
}

/** What an engine stamps into every stack it synthesizes: its version and its AWS provider's. */
export interface EngineStamp {
  readonly engineVersion: string;
  /** Registry address (`registry.terraform.io/hashicorp/aws`) and version of the provider the bindings were generated from. */
  readonly provider: { readonly name: string; readonly version: string };
}

/** The flavour's engine and provider bindings as installed in `nodeModules`, read from their package.json. */
export function installedEngine(flavour: Flavour, nodeModules: string): EngineStamp {
  const engine = readPackage(join(nodeModules, flavour.engine));
  const bindings = readPackage(join(nodeModules, flavour.providerPackage));
  const provider = (bindings[flavour.engine] as { provider?: EngineStamp["provider"] } | undefined)?.provider;
  if (!provider) throw new Error(`${flavour.providerPackage} ${bindings.version}: no "${flavour.engine}.provider" in its package.json`);
  return { engineVersion: engine.version, provider };
}

type Json = Record<string, unknown>;

/** `value[key]` when value is an object, else undefined. */
const field = (value: unknown, key: string): Json | undefined =>
  value && typeof value === "object" ? ((value as Json)[key] as Json | undefined) : undefined;

/**
 * A synthesized stack (cdk.tf.json) without what differs between engines and machines, after
 * checking it: the engine version in the metadata, `required_providers` (only the AWS provider
 * of `stamp`, source `aws` or `hashicorp/aws`), and the absolute path of cdktf's default local
 * backend (a relative path, as the example app writes, is the same everywhere and stays).
 */
export function withoutEngineStamp(stack: Json, stackName: string, stamp: EngineStamp): Json {
  const copy = JSON.parse(JSON.stringify(stack)) as Json;
  const metadata = field(copy["//"], "metadata") ?? {};
  const terraform = field(copy, "terraform") ?? {};
  const providers = field(terraform, "required_providers") ?? {};
  const aws = field(providers, "aws") ?? {};
  const backend = field(terraform, "backend") ?? {};
  const local = field(backend, "local") ?? {};
  const problems = [
    metadata.version !== stamp.engineVersion && `engine version ${String(metadata.version)}, expected ${stamp.engineVersion}`,
    Object.keys(providers).join() !== "aws" && `required_providers ${JSON.stringify(providers)}, expected only aws`,
    aws.version !== stamp.provider.version && `aws provider version ${String(aws.version)}, expected ${stamp.provider.version}`,
    !stamp.provider.name.endsWith(`/${String(aws.source)}`) &&
      `aws provider source ${String(aws.source)}, expected a suffix of ${stamp.provider.name}`,
    "local" in backend &&
      !(typeof local.path === "string" && basename(local.path) === `terraform.${stackName}.tfstate`) &&
      `local backend path ${String(local.path)}, expected .../terraform.${stackName}.tfstate`,
  ].filter((problem) => problem !== false);
  if (problems.length > 0) throw new Error(`stack ${stackName}: ${problems.join("; ")}`);
  delete metadata.version;
  delete terraform.required_providers;
  if (isAbsolute(String(local.path))) delete local.path;
  return copy;
}
