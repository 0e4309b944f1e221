// Types for the tests (the build scripts themselves are plain JavaScript run by Node).
export const PINS_FILE: string;
export interface NodePins {
  version: string;
  binaries: Record<string, { package: string; sha256: string }>;
}
export function readPins(repo: string): NodePins;
export function cacheDir(): string;
export function sha256File(file: string): string;
export function cachedBinaryPath(version: string, target: string): string;
export function nodeBinary(
  repo: string,
  target: string,
  options: { log: (message: string) => void; pin?: boolean },
): { file: string; version: string; sha256: string };
