import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "../tools/pack-flavours";

/** The jest run's own temporary folder (temp-folder-setup.ts), which every worker shares. */
export function runFolder(): string {
  const folder = process.env.JEST_RUN_TMPDIR;
  if (!folder) throw new Error("this needs the jest run folder (JEST_RUN_TMPDIR, set by __tests__/temp-folder-setup.ts)");
  return folder;
}

/**
 * `make` once in a jest run, however many workers ask: the first to ask (a lock folder decides)
 * runs it, the others wait up to `waitMs` for its result, or its error, which every caller gets.
 * The result must survive JSON.
 */
export async function oncePerRun<T>(name: string, waitMs: number, make: () => Promise<T>): Promise<T> {
  const result = path.join(runFolder(), `${name}.once.json`);
  try {
    fs.mkdirSync(path.join(runFolder(), `${name}.once.lock`));
  } catch {
    for (const started = Date.now(); !fs.existsSync(result);) {
      if (Date.now() - started > waitMs)
        throw new Error(`${name}, started by another test file, did not end within ${waitMs / 1000} s (no ${result})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { value, error } = JSON.parse(fs.readFileSync(result, "utf8")) as { value?: T; error?: string };
    if (error !== undefined) throw new Error(error);
    return value as T;
  }
  const written = (outcome: { value?: T; error?: string }) => {
    fs.writeFileSync(`${result}.partial`, JSON.stringify(outcome));
    fs.renameSync(`${result}.partial`, result);
  };
  try {
    const value = await make();
    written({ value });
    return value;
  } catch (error) {
    written({ error: (error as Error).message });
    throw error;
  }
}

/**
 * `npm run build` once in a jest run, for the files that use dist/ (the packages, the quick start):
 * no two builds write dist/ at once and none is done twice. A file run alone builds too.
 */
export function buildOnce(): Promise<void> {
  return oncePerRun("build", 300_000, async () => {
    const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
  });
}
