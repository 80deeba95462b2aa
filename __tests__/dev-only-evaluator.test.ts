import { existsSync, readdirSync, readFileSync } from "fs";
import { dirname, join } from "path";
import { FLAVOURS, flavourManifest, readPackage as sourcePackage } from "../tools/pack-flavours";

/**
 * The IAM policy evaluator (@cloud-copilot/iam-simulate) is AGPL-3.0: the policy tests may use
 * it, the published constructs never. These checks keep it out of what users install and run.
 */

const ROOT = join(__dirname, "..");
const EVALUATOR = "@cloud-copilot/iam-simulate";

interface PackageJson {
  readonly name: string;
  readonly license?: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

function readPackage(path: string): PackageJson {
  return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
}

/** Node's lookup: `node_modules/<name>` in `from` or the nearest folder above it. */
function resolvePackage(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name, "package.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot resolve ${name} from ${from}`);
  }
}

/** Every package a user installs with ours (either flavour, cdktf or cdktn): the runtime dependencies and the peers, transitively. */
function runtimeClosure(): PackageJson[] {
  const found = new Map<string, PackageJson>();
  const manifests = FLAVOURS.map((flavour) => flavourManifest(sourcePackage(ROOT), flavour));
  const pending = manifests.flatMap((pkg) => Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })).map((name) => ({ name, from: ROOT }));
  for (let next = pending.pop(); next; next = pending.pop()) {
    const path = resolvePackage(next.name, next.from);
    if (found.has(path)) continue;
    const pkg = readPackage(path);
    found.set(path, pkg);
    pending.push(...Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, from: dirname(path) })));
  }
  return [...found.values()];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Lines that import or require the evaluator. */
function evaluatorImports(source: string): string[] {
  return source.split("\n").filter((line) => /(from\s+|require\(\s*|import\(\s*)["']@cloud-copilot\//.test(line));
}

describe("the AGPL policy evaluator stays a test-only dependency", () => {
  const pkg = readPackage(join(ROOT, "package.json"));

  it("is a devDependency and nothing else", () => {
    expect(pkg.devDependencies?.[EVALUATOR]).toBeDefined();
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"] as const) {
      expect(Object.keys(pkg[field] ?? {}).filter((name) => name.startsWith("@cloud-copilot/"))).toEqual([]);
    }
  });

  it("is not reached through any runtime dependency, and no runtime dependency is GPL-family licensed", () => {
    const closure = runtimeClosure();
    expect(closure.map((p) => p.name)).toEqual(
      expect.arrayContaining(["cdktf", "constructs", "@cdktf/provider-aws", "cdktn", "@cdktn/provider-aws"]),
    );
    expect(closure.filter((p) => p.name.startsWith("@cloud-copilot/")).map((p) => p.name)).toEqual([]);
    expect(closure.filter((p) => /GPL/i.test(String(p.license ?? ""))).map((p) => `${p.name}: ${p.license}`)).toEqual([]);
  });

  it("is imported by no file of the published code (modules/, cli/ and main.ts)", () => {
    const files = [join(ROOT, "main.ts"), ...sourceFiles(join(ROOT, "modules")), ...sourceFiles(join(ROOT, "cli"))];
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap((file) => evaluatorImports(readFileSync(file, "utf8")).map((line) => `${file}: ${line}`))).toEqual([]);
  });

  it("would notice an import in any form", () => {
    const probe = [
      `import { runSimulation } from "${EVALUATOR}";`,
      `const s = require('${EVALUATOR}');`,
      `await import("${EVALUATOR}")`,
      "// @cloud-copilot/ in a comment",
    ];
    expect(evaluatorImports(probe.join("\n"))).toEqual(probe.slice(0, 3));
  });
});
