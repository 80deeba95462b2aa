import { homedir } from "os";
import { join } from "path";

/**
 * `${XDG_CACHE_HOME:-~/.cache}/cdktf-lookout-vision-encryption`: what outlives a checkout and a
 * clean clone rebuilds (the engine, checkov, Node 22, pip's downloads).
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "cdktf-lookout-vision-encryption");
}
