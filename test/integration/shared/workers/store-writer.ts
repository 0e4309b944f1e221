// Publishes whole, self-checking payloads into a SharedStore as fast as it can until killed.
// Usage: node store-writer.ts DIR REL
import { createHash } from 'node:crypto';
import { silentLog } from '../../../../agent/core/log.ts';
import { SharedStore } from '../../../../agent/shared/store.ts';

const [dir, rel] = process.argv.slice(2) as [string, string];
const store = new SharedStore(dir, { log: silentLog() });
let n = 0;
process.stdout.write('ready\n');
for (;;) {
  n++;
  // sizes vary so a torn write would show up as a length/digest mismatch
  const body = Buffer.alloc(64 * 1024 + (n % 7) * 9000, n % 251);
  const digest = createHash('sha256').update(body).digest('hex');
  await store.publish(rel, Buffer.concat([Buffer.from(`${digest}\n`), body]), { mode: 0o640 });
}
