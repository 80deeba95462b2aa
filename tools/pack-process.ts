import { spawnSync, SpawnSyncOptions } from "child_process";

/**
 * Runs a command to completion; throws, naming it and its exit, when it fails. Output goes to
 * this process's unless `stdio` says otherwise; piped output is returned and shown on failure.
 */
export function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { stdio: "inherit", ...options, encoding: "utf8" });
  if (result.status !== 0) {
    const output = [result.stdout, result.stderr].filter(Boolean).join("\n");
    throw new Error(
      `${command} ${args.join(" ")}${options.cwd ? ` (in ${String(options.cwd)})` : ""} failed with ${result.status ?? result.signal}${
        output ? `:\n${output}` : ""
      }`,
    );
  }
  return result.stdout ?? "";
}
