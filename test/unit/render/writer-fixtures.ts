import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type WriterFs, nodeWriterFs } from '../../../agent/render/writer.ts';

/** A root with etc/passwd and etc/group naming the service users, as the distribution packages make them. */
export async function makeRoot(root: string): Promise<void> {
  await mkdir(path.join(root, 'etc'), { recursive: true });
  await writeFile(
    path.join(root, 'etc/passwd'),
    ['root:x:0:0:root:/root:/bin/bash', 'consul:x:997:997::/opt/consul:/bin/false', 'nomad:x:996:996::/opt/nomad:/bin/false', 'vault:x:995:995::/opt/vault:/bin/false', ''].join('\n'),
  );
  await writeFile(path.join(root, 'etc/group'), ['root:x:0:', 'consul:x:997:', 'nomad:x:996:', 'vault:x:995:', ''].join('\n'));
}

/** The real fs, except that `fail(op, path)` may return an errno code to throw instead. */
export function faultyFs(fail: (op: string, file: string) => string | undefined): WriterFs & { ops: string[] } {
  const ops: string[] = [];
  const check = (op: string, file: string) => {
    ops.push(`${op} ${file}`);
    const code = fail(op, file);
    if (code) throw Object.assign(new Error(`${code}: simulated ${op} failure, '${file}'`), { code });
  };
  return {
    ops,
    async open(file, flags, mode) {
      check('open', file);
      const handle = await nodeWriterFs.open(file, flags, mode);
      return {
        writeAll: async (data) => {
          check('write', file);
          await handle.writeAll(data);
        },
        sync: async () => {
          check('fsync', file);
          await handle.sync();
        },
        close: () => handle.close(),
      };
    },
    readFile: (f) => nodeWriterFs.readFile(f),
    lstat: (f) => nodeWriterFs.lstat(f),
    mkdir: async (d, o) => {
      check('mkdir', d);
      return nodeWriterFs.mkdir(d, o);
    },
    chmod: async (f, m) => {
      check('chmod', f);
      await nodeWriterFs.chmod(f, m);
    },
    chown: async (f, u, g) => {
      check('chown', f);
      await nodeWriterFs.chown(f, u, g);
    },
    rename: async (a, b) => {
      check('rename', a);
      await nodeWriterFs.rename(a, b);
    },
    unlink: (f) => nodeWriterFs.unlink(f),
  };
}
