import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "../tools/pack-flavours";

/**
 * `npm run build` once in a jest run, for the files that use dist/ (the packages, the quick start):
 * the first to ask builds, the others wait for it, so no two builds write dist/ at once and none
 * is done twice. A file run alone builds too.
 */
export function buildOnce(): void {
  const runFolder = process.env.JEST_RUN_TMPDIR;
  if (!runFolder) throw new Error("buildOnce needs the jest run folder (JEST_RUN_TMPDIR, set by __tests__/temp-folder-setup.ts)");
  const done = path.join(runFolder, "build.done");
  try {
    fs.mkdirSync(path.join(runFolder, "build.lock"));
  } catch {
    for (const started = Date.now(); !fs.existsSync(done);) {
      if (Date.now() - started > 300_000) throw new Error(`npm run build by another test file did not end within 300 s (no ${done})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
    const failure = fs.readFileSync(done, "utf8");
    if (failure) throw new Error(failure);
    return;
  }
  const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
  const failure = build.status === 0 ? "" : `npm run build failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`;
  fs.writeFileSync(done, failure);
  if (failure) throw new Error(failure);
}
