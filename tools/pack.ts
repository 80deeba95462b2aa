import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, resolve } from "path";
import { Flavour, FLAVOURS, flavourManifest, readPackage, rewriteImports, ROOT } from "./pack-flavours";
import { run } from "./pack-process";

/**
 * `npm run pack [-- <folder>]`: one tarball per flavour in dist/packages/ (or the folder given),
 * from the compiled code in dist/ (`npm run pack` builds first). The cdktf tarball is `npm pack`
 * of the repository; the cdktn one is `npm pack` of a staging folder holding the same files,
 * rewritten for cdktn.
 */

export interface PackedFile {
  readonly path: string;
  readonly size: number;
}

export interface Packed {
  readonly flavour: Flavour;
  readonly name: string;
  readonly version: string;
  readonly tarball: string;
  /** Bytes of the .tgz. */
  readonly size: number;
  readonly files: readonly PackedFile[];
}

interface NpmPackJson {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly size: number;
  readonly files: readonly PackedFile[];
}

function npmPack(dir: string, args: readonly string[]): NpmPackJson {
  return (JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", ...args], { cwd: dir, stdio: "pipe" })) as NpmPackJson[])[0];
}

/** The files `npm pack` takes from the repository (package.json, README, dist/modules). */
function publishedFiles(root: string): readonly PackedFile[] {
  return npmPack(root, ["--dry-run"]).files;
}

/** A folder with the repository's published files for the flavour: rewritten JS and declarations, its package.json. */
export function stageFlavour(root: string, flavour: Flavour, staging: string): void {
  const manifest = flavourManifest(readPackage(root), flavour);
  for (const { path } of publishedFiles(root)) {
    const target = join(staging, path);
    mkdirSync(dirname(target), { recursive: true });
    if (path === "package.json") writeFileSync(target, `${JSON.stringify(manifest, null, 2)}\n`);
    else if (/\.(js|d\.ts)$/.test(path)) writeFileSync(target, rewriteImports(readFileSync(join(root, path), "utf8"), flavour, path));
    else copyFileSync(join(root, path), target);
  }
}

function packFlavour(root: string, flavour: Flavour, outDir: string): Packed {
  let packed: NpmPackJson;
  if (Object.keys(flavour.renames).length === 0) {
    packed = npmPack(root, ["--pack-destination", outDir]);
  } else {
    const staging = mkdtempSync(join(tmpdir(), `${flavour.engine}-staging-`));
    try {
      stageFlavour(root, flavour, staging);
      packed = npmPack(staging, ["--pack-destination", outDir]);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return { flavour, name: packed.name, version: packed.version, tarball: join(outDir, packed.filename), size: packed.size, files: packed.files };
}

/** Packs every flavour into outDir; returns what was written. */
export function packAll(outDir: string, root = ROOT): Packed[] {
  mkdirSync(outDir, { recursive: true });
  return FLAVOURS.map((flavour) => packFlavour(root, flavour, resolve(outDir)));
}

if (require.main === module) {
  for (const packed of packAll(process.argv[2] ?? join(ROOT, "dist", "packages"))) {
    console.log(`${packed.tarball}: ${packed.name}@${packed.version}, ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} kB`);
  }
}
