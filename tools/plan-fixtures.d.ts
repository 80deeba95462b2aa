// Types of tools/plan-fixtures.js for the TypeScript tests.

export interface FixtureCase {
  readonly name: string;
  readonly summary: string;
  readonly before: Record<string, unknown>;
  readonly after: Record<string, unknown>;
  readonly errored?: boolean;
}

export interface FixtureManifest {
  readonly engine: { readonly opentofu: string; readonly aws: string };
  readonly cases: Record<string, { readonly summary: string; readonly before: string; readonly after: string; readonly plan: string }>;
}

export const FIXTURES: string;
export function fixtureCases(): FixtureCase[];
export function configText(config: Record<string, unknown>): string;
export function digest(text: string): string;
export function generate(names?: string[], outDir?: string, log?: (line: string) => void): FixtureManifest;
