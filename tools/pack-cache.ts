import { FLAVOURS, lockedPeers, ROOT } from "./pack-flavours";
import { run } from "./pack-process";

/**
 * Run by `prepare` after `npm ci` / `npm install` (network at hand): puts the peers of both
 * flavours, at the locked versions, into the npm cache with their full metadata, so that the
 * consumer test (__tests__/package-install.build.test.ts) installs them with `npm install --offline`.
 * `npm ci` alone does not do it: it stores abbreviated metadata, and `npm install` (npm 11)
 * resolves with the full one.
 */

export function cachePeers(): string[] {
  const specs = [...new Set(FLAVOURS.flatMap((flavour) => lockedPeers(ROOT, flavour)))];
  run("npm", ["cache", "add", ...specs], { cwd: ROOT, stdio: ["ignore", 2, 2] });
  return specs;
}

// stderr: `npm pack --json` runs prepare, and its stdout must stay JSON.
if (require.main === module) console.error(`npm cache: ${cachePeers().join(", ")}`);
