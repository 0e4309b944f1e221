import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { Sim, stopServices } from '../../sim/cluster.ts';

// A reboot of a finished node: services stopped, a new boot id, hashinode run again. It redoes the
// per-boot phases (render, start services) and must change no file: same bytes, same mtimes.
// Left out: the journal (it records the run), pid files and the local service manager's copies
// under /run (tmpfs on a real host), service logs and data directories (the services' own).

const IGNORE = [/^var\/lib\/hashinode\/journal\.json$/, /^run\//, /^var\/log\//, /^opt\//, /^proc\//];

async function snapshot(root: string, rel = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (IGNORE.some((re) => re.test(r) || re.test(`${r}/`))) continue;
    if (e.isDirectory()) for (const [k, v] of await snapshot(root, r)) out.set(k, v);
    else {
      const st = await stat(path.join(root, r));
      out.set(r, `${st.mtimeMs} ${st.mode.toString(8)} ${(await readFile(path.join(root, r))).toString('base64')}`);
    }
  }
  return out;
}

it('a reboot of a finished node changes no file', { timeout: 180_000 }, async () => {
  const sim = await Sim.create({ servers: 1, workers: 1, consulServers: 1, subnet: 43 });
  try {
    for (const n of sim.nodes) void sim.start(n);
    await sim.waitReady(120_000);
    await sim.stop();
    const before = await Promise.all(sim.nodes.map((n) => snapshot(n.root)));
    for (const n of sim.nodes) {
      await mkdir(path.join(n.root, 'proc/sys/kernel/random'), { recursive: true });
      await writeFile(path.join(n.root, 'proc/sys/kernel/random/boot_id'), 'second-boot\n');
      await stopServices(n.root);
    }
    for (const n of sim.nodes) void sim.start(n);
    await sim.waitReady(120_000, sim.nodes, 'second-boot');
    for (const [i, n] of sim.nodes.entries()) {
      const j = await sim.journal(n);
      expect(j?.phases.render).toMatchObject({ status: 'done', bootId: 'second-boot' });
      expect(await snapshot(n.root)).toEqual(before[i]);
    }
  } finally {
    await sim.close();
  }
});
