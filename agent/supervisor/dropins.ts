import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Paths } from '../core/paths.ts';
import { readOptional, removeIfPresent, writeDurable } from '../phases/durable.ts';
import { dropInPath, type Unit } from './service-manager.ts';

/** Writes or removes a runtime drop-in by comparison; true when the file changed. */
export async function syncDropIn(paths: Paths, unit: Unit, name: string, content: string | null): Promise<boolean> {
  const file = paths.host(dropInPath(unit, name));
  if (content === null) return removeIfPresent(file);
  if ((await readOptional(file)) === content) return false;
  await mkdir(path.dirname(file), { recursive: true });
  await writeDurable(file, content, 0o644);
  return true;
}
