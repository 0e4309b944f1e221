import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

// For tests: runs a stand-in binary (test/fakes/bin/<product>) as a real child process, keeps its
// output, and waits for lines or HTTP answers with generous deadlines (the test machine is busy).

export const STANDIN_BIN = path.resolve(import.meta.dirname, '../bin');

export interface StandinProcess {
  child: ChildProcess;
  readonly output: string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startStandin(product: 'consul' | 'nomad' | 'vault', args: string[], env: NodeJS.ProcessEnv = {}): StandinProcess {
  const child = spawn(path.join(STANDIN_BIN, product), args, {
    env: { ...process.env, ...env, PATH: `${STANDIN_BIN}:${process.env['PATH'] ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  const onData = (d: Buffer) => {
    output += d.toString('utf8');
    for (const w of [...waiters]) {
      const m = w.re.exec(output);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m[0]);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    get output() {
      return output;
    },
    exited,
    waitFor(re, timeoutMs = 30_000) {
      const m = re.exec(output);
      if (m) return Promise.resolve(m[0]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in ${product} output:\n${output}`)), timeoutMs);
        waiters.push({
          re,
          resolve: (s) => {
            clearTimeout(timer);
            resolve(s);
          },
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `fn` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A loopback block unlikely to collide with other tests running at the same time (127.x.y.0/24). */
export function loopbackBlock(): (n: number) => string {
  const x = 100 + Math.floor(Math.random() * 150);
  const y = 1 + Math.floor(Math.random() * 250);
  return (n) => `127.${x}.${y}.${n}`;
}
