import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { dirname, join, relative } from "path";
import { isDeepStrictEqual } from "util";
import { CDKTF, CDKTN, installedEngine, ROOT, rewriteImports, withoutEngineStamp } from "./pack-flavours";
import { node22Tools } from "./node22";
import { run } from "./pack-process";

/**
 * `npm run synth:cdktn`: the example app (main.ts) rewritten for cdktn and synthesized by
 * `cdktn synth` on Node 22, then compared stack by stack with the same app on cdktf: equal
 * except what each engine stamps (engine and provider versions, the local backend path).
 * The app and its output stay in dist/cdktn-example/ (node finds cdktn in the repository's node_modules).
 */

const APP = join(ROOT, "dist", "cdktn-example");

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith(".js") ? [path] : [];
  });
}

/** dist/cdktn-example/: cdktf.json and the compiled app (dist/main.js, dist/modules/) with cdktn imports. */
function writeCdktnApp(): void {
  rmSync(APP, { recursive: true, force: true });
  for (const file of [join(ROOT, "dist", "main.js"), ...jsFiles(join(ROOT, "dist", "modules"))]) {
    const path = relative(ROOT, file);
    mkdirSync(dirname(join(APP, path)), { recursive: true });
    writeFileSync(join(APP, path), rewriteImports(readFileSync(file, "utf8"), CDKTN, path));
  }
  copyFileSync(join(ROOT, "cdktf.json"), join(APP, "cdktf.json"));
}

type Json = Record<string, unknown>;

function stacksIn(outdir: string): Record<string, Json> {
  const names = readdirSync(join(outdir, "stacks")).sort();
  return Object.fromEntries(names.map((name) => [name, JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as Json]));
}

export function synthOnCdktn(): void {
  const tools = node22Tools();
  writeCdktnApp();
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", PATH: tools.path };
  const started = process.hrtime.bigint();
  run(tools.cdktn, ["synth", "--output", "cdktf.out"], { cwd: APP, env });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  // The same app on cdktf, as `npm run synth` runs it (the app alone: the CLI adds nothing to the stacks).
  const cdktfOut = join(APP, "cdktf-reference.out");
  run(process.execPath, [join(ROOT, "dist", "main.js")], { cwd: APP, env: { ...process.env, CDKTF_OUTDIR: cdktfOut } });

  const onCdktn = stacksIn(join(APP, "cdktf.out"));
  const onCdktf = stacksIn(cdktfOut);
  const cdktnStamp = installedEngine(CDKTN, join(ROOT, "node_modules"));
  const cdktfStamp = installedEngine(CDKTF, join(ROOT, "node_modules"));
  if (Object.keys(onCdktn).join() !== Object.keys(onCdktf).join())
    throw new Error(`stacks differ: cdktn ${Object.keys(onCdktn).join()}, cdktf ${Object.keys(onCdktf).join()}`);
  for (const name of Object.keys(onCdktf)) {
    if (!isDeepStrictEqual(withoutEngineStamp(onCdktn[name], name, cdktnStamp), withoutEngineStamp(onCdktf[name], name, cdktfStamp)))
      throw new Error(
        `stack ${name}: cdktn and cdktf synthesize different Terraform (beyond engine and provider versions); compare ${join(
          APP,
          "cdktf.out",
        )} with ${cdktfOut}`,
      );
  }
  const node = run(join(tools.nodeBinDir, "node"), ["--version"], { stdio: "pipe" }).trim();
  console.log(
    `cdktn synth on Node ${node}: ${Object.keys(onCdktn).length} stacks in ${seconds.toFixed(2)} s, equal to cdktf's except engine ${
      cdktnStamp.engineVersion
    } (cdktf ${cdktfStamp.engineVersion}) and AWS provider ${cdktnStamp.provider.version} (cdktf ${cdktfStamp.provider.version})`,
  );
}

if (require.main === module) synthOnCdktn();
