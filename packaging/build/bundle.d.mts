// Types for the tests (the build scripts themselves are plain JavaScript run by Node).
export const HEAVY: RegExp;
export const EMBEDDED_DIRS: string[];
export function chunkName(specifier: string): string;
export function agentChunkName(rel: string): string;
export function embeddedFileMap(repo: string): Record<string, string>;
export function mainScriptModules(repo: string): string[];
export interface BundleChunk {
  spec: string;
  name: string;
  importers: string[];
  file: string;
  bytes: number;
  kind: 'agent' | 'library';
}
export interface BundleResult {
  main: { file: string; bytes: number; byOrigin: Record<string, number> };
  /** Repository-relative agent modules inside the main script. */
  mainModules: string[];
  chunks: BundleChunk[];
  embedded: string[];
}
export function bundle(repo: string, dist: string, log: (message: string) => void): Promise<BundleResult>;
