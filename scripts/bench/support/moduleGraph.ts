import path from 'node:path';
import type { Metafile } from 'esbuild';

/**
 * Packages a function must not load unless it talks to Teams or Graph: the
 * Teams SDK and botbuilder (with the Bot Connector), the Graph client,
 * @azure/identity (a storage token, when asked for, loads it lazily), the
 * Adaptive Cards templating and its expression engine, and openai (which
 * teams-ai's AI layer brings).
 */
export const SDK_PACKAGES = [
  '@microsoft/teams-ai',
  'botbuilder',
  'botbuilder-core',
  'botframework-connector',
  'botframework-schema',
  '@microsoft/microsoft-graph-client',
  '@azure/identity',
  'adaptive-expressions',
  'adaptivecards-templating',
  'openai',
] as const;

export interface StaticGraph {
  /** Output files loaded (absolute paths): the entry, the handler's chunk, and what they import statically. */
  chunks: string[];
  bytes: number;
  /** The chunk whose entry point is the handler module, when one was asked for and found. */
  handlerChunk?: string;
  /** Which of SDK_PACKAGES those chunks contain. */
  sdkPackages: string[];
  /** Every npm package those chunks contain. */
  packages: string[];
}

/**
 * What loading the bundle's entry (absolute path), then `handlerModule` (a source path such
 * as functions/outbox.ts, which esbuild makes a chunk because it is reached
 * by `import()`), loads: every chunk reachable through static imports.
 * Chunks behind `import()` are not counted: they load when that code runs.
 */
export function staticGraph(metafile: Metafile, repoRoot: string, entryFile: string, handlerModule?: string): StaticGraph {
  // esbuild names outputs relative to its working directory, the repository.
  const cwd = repoRoot;
  const outputs = new Map(Object.entries(metafile.outputs).map(([file, out]) => [path.resolve(cwd, file), out]));
  const byOutput = new Map<string, Metafile['outputs'][string]>();
  for (const [file, out] of outputs) byOutput.set(file, out);
  const handlerChunk = handlerModule === undefined ? undefined : [...outputs].find(([, out]) => out.entryPoint === handlerModule)?.[0];
  const start = [path.resolve(entryFile), ...(handlerChunk ? [handlerChunk] : [])];
  const seen = new Set<string>();
  while (start.length) {
    const file = start.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const out = byOutput.get(file);
    if (!out) throw new Error(`${file} is not an output of this build`);
    for (const i of out.imports) if (i.kind === 'import-statement' && !i.external) start.push(path.resolve(cwd, i.path));
  }
  const found = new Set<string>();
  const packages = new Set<string>();
  let bytes = 0;
  for (const file of seen) {
    const out = byOutput.get(file)!;
    bytes += out.bytes;
    for (const input of Object.keys(out.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
      if (pkg) packages.add(pkg);
      if (pkg && (SDK_PACKAGES as readonly string[]).includes(pkg)) found.add(pkg);
    }
  }
  return { chunks: [...seen].sort(), bytes, ...(handlerChunk ? { handlerChunk } : {}), sdkPackages: [...found].sort(), packages: [...packages].sort() };
}
