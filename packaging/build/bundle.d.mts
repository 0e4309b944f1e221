// Types for the tests (the build scripts themselves are plain JavaScript run by Node).
export const HEAVY: RegExp;
export const EMBEDDED_DIRS: string[];
export function chunkName(specifier: string): string;
export function embeddedFileMap(repo: string): Record<string, string>;
export interface BundleResult {
  main: { file: string; bytes: number; byOrigin: Record<string, number> };
  chunks: { spec: string; name: string; importers: string[]; file: string; bytes: number }[];
  embedded: string[];
}
export function bundle(repo: string, dist: string, log: (message: string) => void): Promise<BundleResult>;
