import * as path from "path";
import { cacheRoot, ensureLocalGoBinary, GoUnavailableError, repositoryRoot, sourceDigest } from "./tool-cache";

/** The Go source of the schema cache that shared providers sit behind (tools/shared-provider.ts). */
const PROXY_SOURCE = path.join(repositoryRoot(), "tools", "schema-cache-proxy");

/**
 * The schema cache's binary, built on first use (about 20 s; `npm run engine` builds it up front);
 * undefined when Go is not installed, so the provider serves tofu directly.
 */
export function schemaCacheProxy(): string | undefined {
  try {
    return ensureLocalGoBinary({
      dir: path.join(cacheRoot(), "tools", `schema-cache-proxy-${sourceDigest(PROXY_SOURCE).slice(0, 16)}`),
      name: "schema-cache-proxy",
      source: PROXY_SOURCE,
      label: { context: "shared provider", tool: "tools/schema-cache-proxy" },
    }).path;
  } catch (error) {
    if (error instanceof GoUnavailableError) return undefined;
    throw error;
  }
}
