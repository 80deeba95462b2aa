import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { App } from "cdktf";
import { buildApp } from "../main";
import { buildModuleFiles } from "./terraform-module/module-files";
import { ROOT } from "./pack-flavours";

/**
 * sha256 of everything we emit, so a refactor that must not change output can prove it did not:
 * - `app/<file>`: every file the example app (main.ts) synthesizes into cdktf.out;
 * - `terraform-module/<file>`: every file of the generated Terraform module.
 * __tests__/output-fingerprint.test.ts compares it with the committed
 * __tests__/fixtures/output-fingerprint.json. `--tests <file>` records instead what every unit
 * test synthesizes (tools/synth-recorder.ts), `--compare <a> <b>` lists what differs.
 *
 *   node dist/tools/output-fingerprint.js                     print the fingerprint
 *   node dist/tools/output-fingerprint.js --tests <out.json>  record the unit tests' stacks
 *   node dist/tools/output-fingerprint.js --compare <a> <b>   compare two recordings
 */

/** The example app reads its state backend from these: the fingerprint is of the default (local state). */
const STATE_VARIABLES = ["STATE_BUCKET", "STATE_KEY_PREFIX", "STATE_REGION", "STATE_KMS_KEY_ID"];

export type Fingerprint = Record<string, string>;

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Every file under `dir`, by path relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)).map((f) => join(name, f)) : [name]));
}

/** The example app synthesized into a temporary folder with local state, every file hashed. */
export function appFingerprint(): Fingerprint {
  const saved = STATE_VARIABLES.map((name) => [name, process.env[name]] as const);
  const outdir = mkdtempSync(join(tmpdir(), "fingerprint-"));
  try {
    for (const name of STATE_VARIABLES) delete process.env[name];
    buildApp(new App({ outdir })).synth();
    return Object.fromEntries(filesUnder(outdir).map((file) => [`app/${file}`, sha256(readFileSync(join(outdir, file), "utf8"))]));
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function moduleFingerprint(): Fingerprint {
  return Object.fromEntries(Object.entries(buildModuleFiles()).map(([file, text]) => [`terraform-module/${file}`, sha256(text)]));
}

/** The example app's files and the Terraform module's, sorted by path. */
export function outputFingerprint(): Fingerprint {
  const all = { ...appFingerprint(), ...moduleFingerprint() };
  return Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((key) => [key, all[key]]),
  );
}

/** What differs between two fingerprints: one line per path. */
export function fingerprintDifferences(before: Fingerprint, after: Fingerprint): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => {
    if (!(key in after)) return [`removed: ${key}`];
    if (!(key in before)) return [`added: ${key}`];
    return before[key] === after[key] ? [] : [`changed: ${key}`];
  });
}

/** Runs the unit tests with tools/synth-recorder.ts, which writes each synthesized stack's hash to `out`. */
function recordTests(out: string): number {
  writeFileSync(out, "");
  const jest = join(ROOT, "node_modules", "jest", "bin", "jest.js");
  const setup = [join(ROOT, "__tests__", "setup.ts"), join(ROOT, "tools", "synth-recorder.ts")];
  const args = [jest, "--testPathIgnorePatterns", "\\.engine\\.test\\.ts$", ...setup.flatMap((file) => ["--setupFilesAfterEnv", file])];
  const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, SYNTH_RECORD: out } });
  const lines = readFileSync(out, "utf8")
    .split("\n")
    .filter((line) => line !== "");
  const recorded = Object.fromEntries(lines.map((line) => JSON.parse(line) as [string, string]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeFileSync(out, `${JSON.stringify(recorded, null, 2)}\n`);
  console.log(`${Object.keys(recorded).length} synthesized files recorded in ${relative(process.cwd(), out)}`);
  return run.status ?? 1;
}

function compare(a: string, b: string): number {
  const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Fingerprint;
  const differences = fingerprintDifferences(read(a), read(b));
  for (const line of differences) console.log(line);
  console.log(
    `${differences.length === 0 ? "identical" : `${differences.length} difference(s)`}: ${Object.keys(read(a)).length} files in ${a}, ${
      Object.keys(read(b)).length
    } in ${b}`,
  );
  return differences.length === 0 ? 0 : 1;
}

if (require.main === module) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === "--tests") process.exitCode = recordTests(args[0]);
  else if (mode === "--compare") process.exitCode = compare(args[0], args[1]);
  else console.log(JSON.stringify(outputFingerprint(), null, 2));
}
