import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { CDKTN, ROOT } from "./pack-flavours";
import { synthOnCdktn } from "./cdktn-synth";
import { run } from "./pack-process";

/**
 * `npm run test:cdktn`, the CDK Terrain leg of CI: the source type-checked against cdktn, the
 * whole jest suite on cdktn, and `cdktn synth` of the example app on Node 22. No copy of the
 * tree: tsc `paths` and jest `moduleNameMapper` send every import of cdktf and of its AWS
 * provider bindings to the cdktn packages (devDependencies), the renames the cdktn package gets.
 */

const NODE_MODULES = join(ROOT, "node_modules");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** `tsc -p tsconfig.dev.json` with cdktf resolved to cdktn. */
function typecheck(): void {
  const dir = mkdtempSync(join(tmpdir(), "cdktn-tsconfig-"));
  try {
    const paths = Object.fromEntries(
      Object.entries(CDKTN.renames).flatMap(([from, to]) => [
        [from, [join(NODE_MODULES, to)]],
        [`${from}/*`, [join(NODE_MODULES, to, "*")]],
      ]),
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: join(ROOT, "tsconfig.dev.json"), compilerOptions: { paths, typeRoots: [join(NODE_MODULES, "@types")] } }),
    );
    run(process.execPath, [join(NODE_MODULES, "typescript", "bin", "tsc"), "-p", join(dir, "tsconfig.json")], { cwd: ROOT });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** jest with the repository's config, cdktf resolved to cdktn, and the engine the suite expects to run on. */
function jest(args: readonly string[]): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the repository's jest config is CommonJS
  const base = require(join(ROOT, "jest.config.js")) as Record<string, unknown>;
  const moduleNameMapper = Object.fromEntries(
    Object.entries(CDKTN.renames).flatMap(([from, to]) => [
      [`^${escape(from)}$`, to],
      [`^${escape(from)}/(.*)$`, `${to}/$1`],
    ]),
  );
  const config = { ...base, rootDir: ROOT, globals: { ...(base.globals as object), expectedEngine: CDKTN.engine }, moduleNameMapper };
  run(process.execPath, [join(NODE_MODULES, "jest", "bin", "jest.js"), "--config", JSON.stringify(config), ...args], { cwd: ROOT });
}

if (require.main === module) {
  typecheck();
  jest(process.argv.slice(2));
  synthOnCdktn();
}
