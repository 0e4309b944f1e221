import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, print, toJson } from '../../agent/hcl/index.ts';
import { hcl2ParseToObject } from '../../agent/hcl/oracle.ts';
import { type Bench, type BenchRow, timeMedian } from './harness.ts';

// The lossless parser against hcl2-parser (HashiCorp's HCL compiled to JavaScript) on the same
// ~20 KB config in the same run: parse + print (what every edit costs) and parse + JSON projection
// (what a read costs), each compared with hcl2-parser's parseToObject. Goal: 20 times faster.

/** A Consul server config plus service definitions with checks, to about `bytes` long. */
export function bigConfig(repo: string, bytes = 20_000): string {
  let text = readFileSync(path.join(repo, 'test/fixtures/hcl/consul/server.hcl'), 'utf8');
  for (let i = 0; text.length < bytes; i++) {
    text += `
# Service ${i}: registered by the node agent.
service {
  name = "svc-${i}"
  id   = "svc-${i}-\${node.id}"
  port = ${8000 + i}
  tags = ["v${i % 3}", "zone-\${var.az}"]
  meta = {
    owner   = "team-${i % 5}"
    version = "1.${i}.0"
  }
  checks = [
    {
      http     = "http://127.0.0.1:${8000 + i}/health" # liveness
      interval = "10s"
      timeout  = "1s"
    },
  ]
}
`;
  }
  return text;
}

const bench: Bench = async (ctx) => {
  const text = bigConfig(ctx.repo);
  const ours = Math.max(1, ctx.quick ? 20 : 400);
  const theirs = ctx.quick ? 5 : 40;
  const size = `${Math.round(text.length / 1000)} KB`;
  ctx.log(`config of ${text.length} bytes`);

  const oracle = await timeMedian(theirs, () => hcl2ParseToObject(text));
  const roundTrip = await timeMedian(ours, () => print(parse(text)));
  const projection = await timeMedian(ours, () => toJson(parse(text)));

  const baseline = { name: `hcl2-parser parseToObject (${size})`, value: oracle };
  const rows: BenchRow[] = [
    { group: 'hcl', name: `hcl2-parser parseToObject, ${size} config`, value: oracle, unit: 'ms' },
    { group: 'hcl', name: `parse + print, ${size} config`, value: roundTrip, unit: 'ms', baseline, goal: '>= 20x faster', met: oracle / roundTrip >= 20 },
    { group: 'hcl', name: `parse + JSON projection, ${size} config`, value: projection, unit: 'ms', baseline, goal: '>= 20x faster', met: oracle / projection >= 20 },
    { group: 'hcl', name: 'speed-up of parse + JSON over hcl2-parser', value: oracle / projection, unit: 'x' },
  ];
  return rows;
};

export default bench;
