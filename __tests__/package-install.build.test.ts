import { execFile, spawnSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { promisify } from "util";
import * as ts from "typescript";
import * as cdktf from "cdktf";
import * as awsProvider from "@cdktf/provider-aws/lib/provider";
import * as lib from "../modules";
import { packAll, Packed } from "../tools/pack";
import { run } from "../tools/pack-process";
import { buildOnce } from "./once-per-run";
import { CDKTF, Flavour, FLAVOURS, installedEngine, lockedPeers, withoutEngineStamp } from "../tools/pack-flavours";
import { quickStart } from "./package-readme";

/**
 * The packages as users install them: `npm run pack`'s tarballs, each installed with its peers
 * into a fresh app offline (from the npm cache `npm ci` filled), the README's quick start for
 * that flavour compiled with `tsc --strict` and synthesized, and compared with the cdktf quick
 * start synthesized from the source tree on the engine the suite runs on.
 */

/** The engine the suite runs on: `globals` of jest.config.js, or of tools/cdktn-test.ts. */
declare const expectedEngine: string;

const ROOT = join(__dirname, "..");
const NODE_MODULES = join(ROOT, "node_modules");
const TSC = join(NODE_MODULES, "typescript", "bin", "tsc");
const STACK = "vision";
type Json = Record<string, unknown>;

const readStack = (outdir: string): Json => JSON.parse(readFileSync(join(outdir, "stacks", STACK, "cdk.tf.json"), "utf8")) as Json;

const MANIFEST = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[]; bin: Record<string, string> };

/** The source folders whose compiled code package.json's `files` ships whole (`dist/<folder>/**`): the library and the command-line tools. */
const SHIPPED_FOLDERS = [
  ...new Set(MANIFEST.files.map((pattern) => /^dist\/([^/]+)\/\*\*\//.exec(pattern)?.[1]).filter((folder): folder is string => folder !== undefined)),
];

/** Every source module of the shipped folders (without extension), relative to the repository: `modules/index`, `cli/plan-review/cli`. */
function sourceModules(dir?: string): string[] {
  if (dir === undefined) return SHIPPED_FOLDERS.flatMap((folder) => sourceModules(join(ROOT, folder)));
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceModules(path);
    return entry.name.endsWith(".ts") ? [relative(ROOT, path).replace(/\.ts$/, "")] : [];
  });
}

/** The cdktf quick start run in this process against modules/, on the engine jest resolves cdktf to. */
function synthFromSource(): Json {
  const code = quickStart(CDKTF.engine + "-lookout-vision-encryption");
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const modules: Record<string, unknown> = { cdktf, "@cdktf/provider-aws/lib/provider": awsProvider, "cdktf-lookout-vision-encryption": lib };
  const load = (id: string) => {
    if (!(id in modules)) throw new Error(`the quick start imports ${id}: add it to synthFromSource's modules`);
    return modules[id];
  };
  const outdir = mkdtempSync(join(tmpdir(), "quick-start-source-"));
  const before = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    new Function("require", "exports", js)(load, {});
  } finally {
    if (before === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = before;
  }
  return readStack(outdir);
}

/** A fresh app with the flavour's tarball and its peers at the locked versions, installed offline (`prepare` cached them). */
async function installApp(pkg: Packed): Promise<string> {
  const app = mkdtempSync(join(tmpdir(), `quick-start-${pkg.flavour.engine}-`));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "quick-start", private: true }));
  const args = ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", pkg.tarball, ...lockedPeers(ROOT, pkg.flavour)];
  await promisify(execFile)("npm", args, { cwd: app }).catch((error: { stderr?: string; message: string }) => {
    throw new Error(
      `npm ${args.join(" ")} failed: the npm cache lacks a package (\`npm ci\` fills it, through \`prepare\`: tools/pack-cache.ts):\n${
        error.stderr ?? error.message
      }`,
    );
  });
  return app;
}

let packed: Packed[];
let apps: Map<Flavour, string>;
let fromSource: Json;

beforeAll(async () => {
  await buildOnce();
  packed = packAll(mkdtempSync(join(tmpdir(), "packages-")));
  const installing = Promise.all(packed.map(async (pkg) => [pkg.flavour, await installApp(pkg)] as const));
  fromSource = withoutEngineStamp(
    synthFromSource(),
    STACK,
    installedEngine(FLAVOURS.find((f) => f.engine === expectedEngine) ?? CDKTF, NODE_MODULES),
  );
  apps = new Map(await installing);
}, 180_000);

describe.each(FLAVOURS.map((f) => [f.engine, f] as const))("the %s package as installed", (_engine, flavour: Flavour) => {
  const pkg = () => packed.find((p) => p.flavour === flavour) as Packed;
  const app = () => apps.get(flavour) as string;

  it("holds the compiled JS and declarations of every module of the library and the command-line tools, the README, the changelog and package.json", () => {
    expect(SHIPPED_FOLDERS).toEqual(["modules", "cli"]);
    const files = pkg()
      .files.map((f) => f.path)
      .sort();
    const expected = ["CHANGELOG.md", "README.md", "package.json", ...sourceModules().flatMap((m) => [`dist/${m}.d.ts`, `dist/${m}.js`])].sort();
    expect(files).toEqual(expected);
  });

  it("loads every module of the package, each on the flavour's engine", () => {
    const dir = join(app(), "node_modules", pkg().name);
    const script =
      `for (const f of ${JSON.stringify(sourceModules())}) require(${JSON.stringify(dir)} + "/dist/" + f);` +
      `const engines = Object.keys(require.cache).map((p) => p.match(/node_modules\\/(cdkt[fn])\\/lib\\//)?.[1]).filter(Boolean);` +
      `process.stdout.write([...new Set(engines)].join());`;
    expect(run(process.execPath, ["-e", script], { cwd: app(), stdio: "pipe" })).toBe(flavour.engine);
  });

  it("installs the command-line tools: each bin runs and answers", () => {
    const bin = (name: string) => join(app(), "node_modules", ".bin", name);
    expect(Object.keys(MANIFEST.bin).sort()).toEqual(["lookout-vision-plan-review", "lookout-vision-posture-report"]);
    const review = spawnSync(bin("lookout-vision-plan-review"), [], { cwd: app(), encoding: "utf8" });
    expect({ status: review.status, usage: review.stderr.includes("usage: lookout-vision-plan-review") }).toEqual({ status: 2, usage: true });
    const report = spawnSync(bin("lookout-vision-posture-report"), [], { cwd: app(), encoding: "utf8" });
    expect({ status: report.status, out: report.stdout }).toEqual({
      status: 1,
      out: expect.stringContaining("posture report: no synthesized stacks"),
    });
  });

  it("compiles the README's quick start with tsc --strict and synthesizes the stack built from the source, but for the engine's stamp", () => {
    const dir = app();
    writeFileSync(join(dir, "main.ts"), quickStart(pkg().name));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", types: [] }, files: ["main.ts"] }),
    );
    run(process.execPath, [TSC, "-p", dir], { cwd: dir, stdio: "pipe" });
    run(process.execPath, ["main.js"], { cwd: dir, stdio: "pipe", env: { ...process.env, CDKTF_OUTDIR: join(dir, "cdktf.out") } });
    const installed = withoutEngineStamp(readStack(join(dir, "cdktf.out")), STACK, installedEngine(flavour, join(dir, "node_modules")));
    expect(installed).toEqual(fromSource);
  });
});
