import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { expect, it } from 'vitest';
import { silentLog } from '../../../agent/core/log.ts';
import { SharedStore } from '../../../agent/shared/store.ts';
import { tempDir } from '../../helpers/tmp.ts';

const WRITER = path.join(import.meta.dirname, 'workers/store-writer.ts');

it('a reader looping on fetch never sees a half-written file while another process publishes in a loop', async () => {
  const dir = await tempDir();
  const store = new SharedStore(dir, { log: silentLog() });
  const writer = spawn(process.execPath, [WRITER, dir, 'ca/consul-agent-ca.pem'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await once(writer.stdout, 'data');
    const seen = new Set<string>();
    let reads = 0;
    const until = Date.now() + 3000;
    while (Date.now() < until || seen.size < 3) {
      const buf = await store.fetch('ca/consul-agent-ca.pem');
      if (!buf) continue;
      reads++;
      const nl = buf.indexOf(10);
      const digest = buf.subarray(0, nl).toString();
      const body = buf.subarray(nl + 1);
      expect(createHash('sha256').update(body).digest('hex'), `read ${reads}: ${buf.length} bytes`).toBe(digest);
      seen.add(digest);
      if (Date.now() > until + 20_000) break;
    }
    expect(seen.size).toBeGreaterThanOrEqual(3); // the writer really was rewriting under the reader
    const names = await store.list('ca');
    expect(names).toEqual(['consul-agent-ca.pem']); // temp files are never listed
  } finally {
    writer.kill('SIGKILL');
    await once(writer, 'close');
  }
}, 60_000);
