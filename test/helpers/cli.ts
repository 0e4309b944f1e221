import { spawn } from 'node:child_process';
import path from 'node:path';
import { type MainIO, main } from '../../agent/main.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const MAIN_TS = path.join(REPO, 'agent/main.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `hashinode ARGS` in this process through main(), capturing its output. */
export async function runMain(args: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: MainIO = {
    stdout: {
      write: (t) => {
        stdout += t;
      },
    },
    stderr: {
      write: (t) => {
        stderr += t;
      },
    },
    env: { HASHINODE_LOG_LEVEL: 'silent', ...env },
    signal,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Runs `hashinode ARGS` as a real child process from the TypeScript sources. */
export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; bin?: string[] } = {},
): Promise<CliResult> {
  const [file, ...pre] = options.bin ?? [process.execPath, MAIN_TS];
  return new Promise((resolve, reject) => {
    const child = spawn(file!, [...pre, ...args], { env: { ...process.env, ...options.env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
