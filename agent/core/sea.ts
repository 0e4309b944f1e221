// Whether this process is the single executable, and its embedded assets. node:sea is reached
// through process.getBuiltinModule so the same code runs from source, from the bundle and inside
// the executable.

type SeaModule = { isSea(): boolean; getAsset(key: string, encoding: string): string };

function sea(): SeaModule | undefined {
  try {
    return process.getBuiltinModule('node:sea') as SeaModule | undefined;
  } catch {
    return undefined;
  }
}

let cached: boolean | undefined;

export function isSingleExecutable(): boolean {
  cached ??= sea()?.isSea() ?? false;
  return cached;
}

/** Reads an asset embedded in the executable, or undefined when not running as one. */
export function seaAsset(name: string): string | undefined {
  if (!isSingleExecutable()) return undefined;
  try {
    return sea()?.getAsset(name, 'utf8');
  } catch {
    return undefined;
  }
}
