import { spawn, spawnSync } from "child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { transformSync } from "@swc/core";

/**
 * The example app as a user's project elsewhere: its sources compiled to JavaScript (what
 * `npm run build` makes) in another folder, with this repository's node_modules, run as
 * `cdktf synth` runs it.
 */

export const ROOT = join(__dirname, "..");
/** The app reads them to choose its state backend: a run never inherits them from this shell. */
export const STATE_VARIABLES = ["STATE_BUCKET", "STATE_KEY_PREFIX", "STATE_REGION", "STATE_KMS_KEY_ID"];

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const file = join(dir, name);
    if (statSync(join(ROOT, file)).isDirectory()) return sourcesUnder(file);
    return file.endsWith(".ts") && !file.endsWith(".d.ts") ? [file] : [];
  });
}

/** Compiles `source` (by default the repository's `file`) to `<dir>/<file>.js`. */
export function compileInto(dir: string, file: string, source: string = readFileSync(join(ROOT, file), "utf8")): void {
  const out = join(dir, file.replace(/\.ts$/, ".js"));
  mkdirSync(dirname(out), { recursive: true });
  const { code } = transformSync(source, {
    filename: file,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  writeFileSync(out, code);
}

/** The app's sources compiled to JavaScript in `dir`, with this repository's node_modules: another checkout. */
export function checkout(dir: string): string {
  for (const file of ["main.ts", ...sourcesUnder("modules")]) compileInto(dir, file);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** The environment the app runs in: this one without the state variables, plus `env`. */
function appEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !STATE_VARIABLES.includes(name)));
  return { ...clean, ...env, CHECKPOINT_DISABLE: "1" };
}

function synthFailed(dir: string, status: number | null, stderr: string): Error {
  return new Error(`synth in ${dir} failed (exit ${status}):\n${stderr}`);
}

/** Runs the app as `cdktf synth` does (node main.js in the project folder): it writes `cdktf.out/`. */
export function runApp(dir: string, env: Record<string, string> = {}): void {
  const run = spawnSync(process.execPath, ["main.js"], { cwd: dir, env: appEnv(env), encoding: "utf8" });
  if (run.status !== 0) throw synthFailed(dir, run.status, run.stderr);
}

/** `runApp` without blocking, for tests that run other work meanwhile. */
export function runAppAsync(dir: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["main.js"], { cwd: dir, env: appEnv(env), stdio: ["ignore", "ignore", "pipe"] });
    const stderr: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status) => (status === 0 ? resolve() : reject(synthFailed(dir, status, Buffer.concat(stderr).toString()))));
  });
}
