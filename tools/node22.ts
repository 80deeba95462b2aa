import { createHash } from "crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "fs";
import { delimiter, dirname, join } from "path";
import { cacheRoot } from "./tool-cache";
import { ROOT } from "./pack-flavours";
import { run } from "./pack-process";

/**
 * Node 22 and the CDK Terrain CLI, from npm: cdktn-cli 0.24 needs Node >= 22.19 and crashes on
 * the Node 20 this project runs on. tools/node22/ pins both in a lockfile; they are installed
 * with `npm ci` into a cache folder outside the repository, keyed by that lockfile, and reused.
 */

const TOOLS = join(ROOT, "tools", "node22");

export interface Node22Tools {
  /** The folder holding the `node` 22 executable: put it first on PATH. */
  readonly nodeBinDir: string;
  /** The cdktn CLI (a node script: run it with Node 22 first on PATH). */
  readonly cdktn: string;
  /** PATH with Node 22 first. */
  readonly path: string;
}

/** The platform's Node package, as the `node` package's installer names it. */
function nodePackage(): string {
  const prefix = process.platform === "darwin" && process.arch === "arm64" ? "node-bin" : "node";
  return `${prefix}-${process.platform}-${process.arch}`;
}

/** Installs the tools once per lockfile (a partial install never counts: it lands under its final name only when complete). */
export function node22Tools(): Node22Tools {
  const lock = readFileSync(join(TOOLS, "package-lock.json"));
  const home = join(cacheRoot(), `node22-${createHash("sha256").update(lock).digest("hex").slice(0, 16)}`);
  const platformNode = join(home, "node_modules", nodePackage(), "bin");
  if (!existsSync(home)) {
    mkdirSync(dirname(home), { recursive: true });
    const partial = mkdtempSync(`${home}.partial-`);
    try {
      for (const file of ["package.json", "package-lock.json"]) copyFileSync(join(TOOLS, file), join(partial, file));
      // cdktn-cli declares Node >= 22.19: npm on Node 20 installs it with a warning.
      run("npm", ["ci", "--no-audit", "--no-fund", "--engine-strict=false"], { cwd: partial });
      try {
        renameSync(partial, home);
      } catch (error) {
        if (!existsSync(home)) throw error; // else another run installed the same lockfile first
      }
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  if (!existsSync(join(platformNode, "node")))
    throw new Error(
      `no Node 22 for ${process.platform}-${process.arch}: tools/node22/package.json has no ${nodePackage()} (add it to optionalDependencies)`,
    );
  return {
    nodeBinDir: platformNode,
    cdktn: join(home, "node_modules", ".bin", "cdktn"),
    path: [platformNode, process.env.PATH ?? ""].join(delimiter),
  };
}
