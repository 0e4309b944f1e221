import { systemClock } from './clock.ts';
import type { Deps } from './deps.ts';
import type { LogOptions } from './log.ts';
import { processExec } from './exec.ts';
import { nodeHttp } from './http.ts';
import { createLog } from './log.ts';
import { Paths } from './paths.ts';

/** The real implementations of every seam, as the installed agent uses them. */
export function defaultDeps(root: string, level: string, component: string, destination?: LogOptions['destination']): Deps {
  return {
    clock: systemClock,
    paths: new Paths(root),
    http: nodeHttp,
    exec: processExec,
    log: createLog({ level, ...(destination ? { destination } : {}) }).child({ component }),
  };
}
