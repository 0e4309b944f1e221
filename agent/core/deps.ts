import type { Clock } from './clock.ts';
import type { Exec } from './exec.ts';
import type { Http } from './http.ts';
import type { Log } from './log.ts';
import type { Paths } from './paths.ts';

// The seams every component receives instead of reaching for globals (ECS agent style: narrow
// interfaces, one place that wires the real ones). Tests build a Deps with a temp root, a manual
// clock, a recording exec and real HTTP servers on 127.0.0.1:0.

export type { Clock } from './clock.ts';
export type { Exec, ExecOptions, ExecResult } from './exec.ts';
export type { Http, HttpRequest, HttpResponse } from './http.ts';
export type { Log } from './log.ts';
export type { Paths } from './paths.ts';

export interface Deps {
  clock: Clock;
  paths: Paths;
  http: Http;
  exec: Exec;
  log: Log;
}
