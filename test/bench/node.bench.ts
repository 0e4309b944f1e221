import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../../agent/core/clock.ts';
import { processExec } from '../../agent/core/exec.ts';
import { nodeHttp } from '../../agent/core/http.ts';
import { silentLog } from '../../agent/core/log.ts';
import { Paths } from '../../agent/core/paths.ts';
import { identify } from '../../agent/node/identify.ts';
import { ImdsClient } from '../../agent/node/imds.ts';
import { describeInstanceTags, readImdsTags } from '../../agent/node/tags.ts';
import { startFakeEc2 } from '../fakes/ec2.ts';
import { startFakeImds } from '../fakes/imds.ts';
import { type Bench, type BenchRow, timeMedian } from './harness.ts';

// "Who am I" against the fakes, in one process: a whole identify (facts, identity document, tags,
// spec) compared with the least any IMDSv2 read costs (token + one GET), and the DescribeTags
// fallback (warm SDK) compared with reading the same tags from IMDS.

const TAGS: Record<string, string> = {
  'hashinode:cluster': 'bench',
  'hashinode:roles': 'consul-server,nomad-server',
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`hashinode:meta:k${i}`, `v${i}`])),
};

const bench: Bench = async (ctx) => {
  const n = ctx.quick ? 5 : 40;
  const imds = await startFakeImds({ tags: TAGS });
  const ec2 = await startFakeEc2({ instances: [{ instanceId: imds.instance.instanceId, state: 'running', privateIp: imds.instance.privateIp, tags: TAGS }] });
  const root = mkdtempSync(path.join(tmpdir(), 'hashinode-bench-node-'));
  const deps = { clock: systemClock, paths: new Paths(root), http: nodeHttp, exec: processExec, log: silentLog() };
  const client = () => new ImdsClient({ endpoint: imds.url, http: nodeHttp, clock: systemClock });
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = 'AKIDBENCH';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  try {
    const oneRead = await timeMedian(n, () => client().get('meta-data/instance-id'));
    const before = imds.requests.length;
    await identify({ imdsEndpoint: imds.url, flags: {} }, deps);
    const requestsPerIdentify = imds.requests.length - before;
    const whole = await timeMedian(n, () => identify({ imdsEndpoint: imds.url, flags: {} }, deps));
    ctx.log(`identify: ${whole.toFixed(1)} ms, ${requestsPerIdentify} IMDS requests; one read ${oneRead.toFixed(1)} ms`);

    const viaImds = await timeMedian(n, () => readImdsTags(client()));
    const describe = () =>
      describeInstanceTags({ instanceId: imds.instance.instanceId, region: 'eu-west-1', awsEndpoint: ec2.url, clock: systemClock });
    // timeMedian's warm-up call loads the SDK: the row is about the call, not the import.
    const viaApi = await timeMedian(n, describe);
    const rows: BenchRow[] = [
      { group: 'identify', name: 'identify (facts + identity + 12 tags + spec), fake IMDS', value: whole, unit: 'ms', baseline: { name: 'one IMDSv2 read (token + GET)', value: oneRead } },
      { group: 'identify', name: 'IMDS requests per identify (one shared token)', value: requestsPerIdentify, unit: 'requests' },
      { group: 'identify', name: 'tags via DescribeTags (warm SDK), fake EC2', value: viaApi, unit: 'ms', baseline: { name: 'the same tags via IMDS', value: viaImds } },
    ];
    return rows;
  } finally {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    await imds.close();
    await ec2.close();
    rmSync(root, { recursive: true, force: true });
  }
};

export default bench;
