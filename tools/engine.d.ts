// Types of tools/engine.js for the TypeScript tests.

export interface ProviderBuild {
  readonly version: string;
  readonly module: string;
  readonly pseudoVersion: string;
}

export interface EnginePaths {
  readonly dir: string;
  readonly tofu: string;
  readonly tofurc: string;
  readonly mirror: string;
  /** Absent when ENGINE_PROVIDER=registry. */
  readonly providerBinary: string | undefined;
  readonly provider: ProviderBuild;
  readonly bindingsProviderVersion: string;
  readonly opentofuVersion: string;
}

export function enginePaths(): EnginePaths;
export function isBuilt(paths: EnginePaths): boolean;
export function engineEnv(paths: EnginePaths): NodeJS.ProcessEnv;
export function offlineProviders(config: object): Record<string, unknown>[];
export function replaceDirectives(goModText: string): string[];
export function providerBuildFor(target: string): ProviderBuild;
export function tofurcText(paths: EnginePaths): string;
