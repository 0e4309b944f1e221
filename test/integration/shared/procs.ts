import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const LEASE_WORKER = path.join(import.meta.dirname, 'workers/lease-worker.ts');

export interface WorkerLine {
  pid: number;
  leader?: boolean;
  holder?: string | null;
  term?: number;
  round?: number;
  ready?: boolean;
  t?: number;
}

/** A worker process whose JSON lines are collected, with a way to wait for one. */
export class Worker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: WorkerLine[] = [];
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [LEASE_WORKER, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    this.child.stderr.on('data', () => {});
    createInterface({ input: this.child.stdout }).on('line', (l) => {
      this.lines.push(JSON.parse(l) as WorkerLine);
      for (const w of this.waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get last(): WorkerLine | undefined {
    return this.lines.at(-1);
  }

  async waitFor(pred: (l: WorkerLine, all: WorkerLine[]) => boolean, timeoutMs = 30_000, what = 'a line'): Promise<WorkerLine> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => pred(l, this.lines));
      if (hit) return hit;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`pid ${this.child.pid}: no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.lines)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Waits until `cond` holds, polling. */
export async function until(cond: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
