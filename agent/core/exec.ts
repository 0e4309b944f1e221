import { spawn } from 'node:child_process';
import { HashinodeError } from './errors.ts';

// Programs run with an argument vector, never a shell string: no quoting bugs, no injection from tag
// values, and secrets go through stdin or files, never argv (argv is world-readable in /proc).

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs?: number;
  /** Written to the child's stdin (the only way a secret may reach a child). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface Exec {
  /** Runs `file` with `args`. A non-zero exit is returned; failure to start or a timeout throws HN_E_EXEC. */
  run(file: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

const MAX_CAPTURE = 4 * 1024 * 1024;

export const processExec: Exec = {
  run(file, args, options = {}) {
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const child = spawn(file, [...args], {
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        if (stdout.length < MAX_CAPTURE) stdout += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (stderr.length < MAX_CAPTURE) stderr += d;
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new HashinodeError('HN_E_EXEC', `cannot run ${file}: ${err.message}`, { cause: err, details: { file } }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) {
          reject(new HashinodeError('HN_E_EXEC', `${file} did not finish within ${timeoutMs} ms`, { details: { file, args } }));
          return;
        }
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
      child.stdin.on('error', () => {
        // The child may exit without reading its input; that is reported through its exit code.
      });
      child.stdin.end(options.input ?? '');
    });
  },
};
