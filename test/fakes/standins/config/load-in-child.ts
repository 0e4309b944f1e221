import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Obj } from './hcl-load.ts';
import { ConfigError } from './values.ts';

// The agents' config load, run in a child process (see load-child.ts). Errors come back as
// ConfigError with the loader's message, exactly as an in-process load would throw them.

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));

export function loadConfigInChild<T>(product: 'consul' | 'nomad' | 'vault', targets: string[], flagConfig: Obj, env: NodeJS.ProcessEnv): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', CHILD],
      { maxBuffer: 16 * 1024 * 1024, env: process.env },
      (err, stdout, stderr) => {
        let msg: { ok: true; value: T } | { ok: false; known: boolean; message: string };
        try {
          msg = JSON.parse(stdout) as typeof msg;
        } catch {
          reject(new Error(`config loader failed: ${err?.message ?? ''} ${stderr}`));
          return;
        }
        if (msg.ok) resolve(msg.value);
        else reject(msg.known ? new ConfigError(msg.message) : new Error(msg.message));
      },
    );
    child.stdin!.end(JSON.stringify({ product, targets, flagConfig, env }));
  });
}
