import type { FSWatcher } from 'chokidar';

// Watching the shared disk: inotify never sees what OTHER NFS clients write, so changes are found
// by polling (chokidar's polling backend, which stats on an interval). chokidar is loaded on demand
// so commands that never watch do not pay for it at start-up.

export const DEFAULT_WATCH_INTERVAL_MS = 2000;

export type WatchEvent = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

export interface WatchOptions {
  /** Poll interval (default 2000 ms). */
  intervalMs?: number;
  /** Report what exists at start as 'add' events (default false: only changes after start). */
  initial?: boolean;
}

export interface Watching {
  /** Resolves once the initial scan is done: later changes are reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export async function watchPath(
  target: string,
  onChange: (event: WatchEvent, file: string) => void,
  options: WatchOptions = {},
): Promise<Watching> {
  const { watch } = await import('chokidar');
  const interval = options.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
  const watcher: FSWatcher = watch(target, {
    usePolling: true,
    interval,
    binaryInterval: interval,
    ignoreInitial: options.initial !== true,
    // Our own temp files (`.name.pid.rand.tmp`) appear and vanish during every publish.
    ignored: (p: string) => /(^|[\\/])\.[^\\/]*\.tmp$/.test(p),
    atomic: false,
    awaitWriteFinish: false,
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  watcher.on('all', (event, file) => onChange(event as WatchEvent, file));
  return {
    ready,
    close: () => watcher.close(),
  };
}
