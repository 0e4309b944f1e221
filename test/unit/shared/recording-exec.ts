import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Exec, ExecResult } from '../../../agent/core/exec.ts';

/**
 * An Exec that records every call and plays the kernel for `mount`: a successful mount appends its
 * line to `<root>/proc/mounts`, as the real one would appear there. `fail` decides per call.
 */
export class RecordingExec implements Exec {
  readonly calls: { file: string; args: string[] }[] = [];
  readonly root: string;
  readonly fail: (file: string, args: string[]) => ExecResult | null;
  constructor(root: string, fail: (file: string, args: string[]) => ExecResult | null = () => null) {
    this.root = root;
    this.fail = fail;
  }

  async run(file: string, args: readonly string[]): Promise<ExecResult> {
    const a = [...args];
    this.calls.push({ file, args: a });
    const failed = this.fail(file, a);
    if (failed) return failed;
    if (file === 'mount') {
      const type = a[a.indexOf('-t') + 1]!;
      const [source, target] = a.slice(-2);
      const line = `${type === 'efs' ? '127.0.0.1:/' : source} ${target} nfs4 rw,relatime,vers=4.1 0 0\n`;
      await mkdir(path.join(this.root, 'proc'), { recursive: true });
      await appendFile(path.join(this.root, 'proc', 'mounts'), line);
    }
    return { code: 0, stdout: '', stderr: '' };
  }
}
