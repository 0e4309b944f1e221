import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { webcrypto } from 'node:crypto';
import { ManualClock } from '../../agent/core/clock.ts';
import { createCa } from '../../agent/pki/ca.ts';
import { issueCert } from '../../agent/pki/certs.ts';
import { DirMailboxStore } from '../../agent/pki/dir-store.ts';
import { newGossipKey } from '../../agent/pki/gossip.ts';
import { answerRequests, type HolderMaterials } from '../../agent/pki/holder.ts';
import { staticInstanceDirectory } from '../../agent/pki/instances.ts';
import { buildRequest, readReply, requestPath } from '../../agent/pki/mailbox.ts';
import { generateMailboxKeyPair, open, seal } from '../../agent/pki/seal.ts';
import { signDocument, signingKey } from '../fakes/signing-key.ts';
import { type Bench, type BenchRow, timeMedian } from './harness.ts';

// What the first server pays to create the PKI, and what one node's mailbox exchange costs the
// holder and the node on a local directory. Baselines, same run: the bare WebCrypto work a CA and a
// certificate cannot avoid (two P-256 key pairs, two signatures), and a bare seal + open.

const bench: Bench = async (ctx) => {
  const runs = ctx.quick ? 5 : 40;
  const rows: BenchRow[] = [];

  const alg = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const floor = await timeMedian(runs, async () => {
    for (let i = 0; i < 2; i++) {
      const k = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, k.privateKey, new Uint8Array(600));
    }
  });
  const caOnly = await timeMedian(runs, () => createCa('consul'));
  const ca = await createCa('consul');
  const certOnly = await timeMedian(runs, () => issueCert(ca, { service: 'consul', role: 'server', dc: 'dc1', ips: ['10.0.0.5'] }));
  const both = await timeMedian(runs, async () => issueCert(await createCa('consul'), { service: 'consul', role: 'server', dc: 'dc1' }));
  rows.push(
    { group: 'pki', name: 'CA create (ECDSA P-256, SEC1 key)', value: caOnly, unit: 'ms' },
    { group: 'pki', name: 'server certificate issue', value: certOnly, unit: 'ms' },
    { group: 'pki', name: 'CA + server certificate', value: both, unit: 'ms', baseline: { name: 'bare WebCrypto: 2 P-256 key pairs + 2 signatures', value: floor } },
  );

  // Mailbox round trip on a local directory: request -> verify -> sealed reply -> open.
  const dir = mkdtempSync(path.join(tmpdir(), 'hashinode-bench-pki-'));
  try {
    const key = signingKey();
    const clock = new ManualClock({ wall: Date.UTC(2026, 5, 1), mono: 0 });
    const materials: HolderMaterials = {
      cas: { consul: ca, nomad: await createCa('nomad') },
      gossip: { consul: newGossipKey(), nomad: newGossipKey() },
      tokens: { consulAgent: 'bench-token' },
      datacenter: 'dc1',
      region: 'global',
    };
    const store = new DirMailboxStore(dir);
    const id = 'i-0123456789abcdef0';
    const directory = staticInstanceDirectory([{ instanceId: id, state: 'running', tags: { 'hashinode:cluster': 'bench', 'hashinode:roles': 'nomad-client' } }]);
    const document = JSON.stringify({ instanceId: id, region: 'us-east-1', privateIp: '10.0.0.9' });
    const identity = { document, signature: signDocument(key, document) };
    const keyPair = generateMailboxKeyPair();
    const roundTrip = await timeMedian(runs, async () => {
      const req = buildRequest({ instanceId: id, roles: ['consul-client', 'nomad-client'], identity, keyPair, clock });
      await store.publish(requestPath(id), JSON.stringify(req), { mode: 0o644 });
      const [report] = await answerRequests({ store, materials, directory, cluster: 'bench', clock, identityCerts: { 'us-east-1': key.certificatePem }, settleMs: 0 });
      if (report?.outcome !== 'sealed') throw new Error(`bench request not sealed: ${JSON.stringify(report)}`);
      if (!(await readReply(store, id, req.nonce, keyPair))) throw new Error('bench reply missing');
    });
    const payload = JSON.stringify({ padding: 'x'.repeat(6000) });
    const sealFloor = await timeMedian(runs, async () => open(seal(payload, keyPair.publicKey, { instanceId: id, nonce: 'n' }), keyPair.privateKeyPem, id));
    rows.push({
      group: 'pki',
      name: 'mailbox round trip (request, verify, issue Nomad client cert, seal, open; local dir)',
      value: roundTrip,
      unit: 'ms',
      baseline: { name: 'bare seal + open of a 6 KB bundle', value: sealFloor },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  ctx.log(`pki: ${runs} runs per figure`);
  return rows;
};

export default bench;
