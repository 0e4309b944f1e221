import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Paths } from '../../agent/core/paths.ts';
import { compileTemplate, renderTemplate } from '../../agent/render/engine.ts';
import { renderNodeConfig } from '../../agent/render/node-config.ts';
import { templateVars } from '../../agent/render/vars.ts';
import { writeFileAtomic } from '../../agent/render/writer.ts';
import { CONSUL_KEY, NOMAD_KEY, nodeFacts } from '../unit/render/node-facts.ts';
import { type Bench, type BenchRow, timeMedian } from './harness.ts';

// What a full render of a server node costs (templates read, rendered, parsed by both HCL parsers),
// against the same run's bare template expansion; and the writer's no-op path (identical bytes)
// against the same run's atomic write of changed bytes.

const bench: Bench = async (ctx) => {
  const runs = ctx.quick ? 5 : 50;
  const templates = path.join(ctx.repo, 'config-templates');
  const facts = nodeFacts('server');
  const secrets = { consulGossipKey: CONSUL_KEY, nomadGossipKey: NOMAD_KEY };
  const rows: BenchRow[] = [];

  const { readFileSync } = await import('node:fs');
  const source = readFileSync(path.join(templates, 'consul/server.hcl'), 'utf8');
  const vars = templateVars(facts);
  const expand = await timeMedian(runs, async () => renderTemplate(compileTemplate(source, 'consul/server.hcl', 'hcl'), vars));
  const full = await timeMedian(runs, () => renderNodeConfig({ facts, paths: new Paths('/nonexistent'), secrets, builtinTemplatesDir: templates }));
  rows.push({ group: 'render', name: 'expand consul/server.hcl (engine only)', value: expand, unit: 'ms' });
  rows.push({ group: 'render', name: 'render a server node (6 files, both HCL parsers)', value: full, unit: 'ms', baseline: { name: 'expand consul/server.hcl', value: expand } });

  const dir = mkdtempSync(path.join(tmpdir(), 'hashinode-bench-render-'));
  try {
    const file = path.join(dir, 'consul.hcl');
    writeFileSync(file, 'x');
    let n = 0;
    const write = await timeMedian(runs, () => writeFileAtomic(file, `changed ${n++}\n`, { root: dir, mode: 0o640 }));
    const same = await timeMedian(runs, () => writeFileAtomic(file, 'same\n', { root: dir, mode: 0o640 }));
    rows.push({ group: 'render', name: 'atomic write of changed bytes (fsync + rename)', value: write, unit: 'ms' });
    rows.push({ group: 'render', name: 'write of identical bytes (no-op)', value: same, unit: 'ms', baseline: { name: 'atomic write of changed bytes', value: write } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  ctx.log(`render: full ${full.toFixed(2)} ms, engine ${expand.toFixed(3)} ms`);
  return rows;
};

export default bench;
