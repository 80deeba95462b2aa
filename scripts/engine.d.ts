// Types of scripts/engine.js for the TypeScript tests.

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
  /** ENGINE_PROVIDER=registry: the provider is downloaded into the mirror, not built. */
  readonly fromRegistry: boolean;
  readonly provider: ProviderBuild;
  readonly bindingsProviderVersion: string;
  readonly opentofuVersion: string;
}

export function enginePaths(): EnginePaths;
export function isBuilt(paths: EnginePaths): boolean;
export function engineEnv(paths: EnginePaths): NodeJS.ProcessEnv;
export function offlineProviders(config: object): Record<string, unknown>[];
export function providerSettingsFor(config: object, settings: Record<string, unknown>): Record<string, unknown>[];
export function replaceDirectives(goModText: string): string[];
export function providerBuildFor(target: string): ProviderBuild;
export function tofurcText(paths: EnginePaths): string;
export function installedBinaryPath(value: string, searchPath?: string): string;
export function versionLines(paths: EnginePaths): string;
