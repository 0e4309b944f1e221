import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../agent/core/http.ts';
import { loopbackBlock, type StandinProcess, startStandin } from '../../fakes/standins/spawn.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { makePki } from './tls-certs.ts';

// HTTPS with the configured files; with tls.https.verify_incoming the handshake demands a client
// certificate from the cluster CA, while plain HTTP keeps answering on its own port.

const ip = loopbackBlock();
const procs: StandinProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
});

describe('consul stand-in HTTPS', () => {
  it('serves HTTPS with the configured certificate and requires a client certificate when verify_incoming', async () => {
    const root = await tempDir('standin-https-');
    const pki = makePki(root, ip(1));
    const dir = path.join(root, 'consul.d');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'consul.hcl'),
      `node_name = "tls-1"
data_dir = "${root}/data"
server = true
bootstrap_expect = 1
bind_addr = "${ip(1)}"
client_addr = "${ip(1)}"
ports {
  http = 8500
  https = 8501
}
tls {
  defaults {
    ca_file = "${pki.ca}"
    cert_file = "${pki.cert}"
    key_file = "${pki.key}"
    verify_incoming = true
    verify_outgoing = true
  }
}
`,
    );
    const p = startStandin('consul', ['agent', `-config-dir=${dir}`], { HASHINODE_SIM_STATE_DIR: path.join(root, 'state') });
    procs.push(p);
    await p.waitFor(/Started HTTPS server/);
    const ca = readFileSync(pki.ca, 'utf8');
    const url = `https://${ip(1)}:8501/v1/status/leader`;
    await expect(nodeHttp.request({ method: 'GET', url, tls: { ca }, timeoutMs: 10_000 })).rejects.toThrow();
    const withCert = await nodeHttp.request({
      method: 'GET',
      url,
      tls: { ca, cert: readFileSync(pki.clientCert, 'utf8'), key: readFileSync(pki.clientKey, 'utf8') },
      timeoutMs: 10_000,
    });
    expect(withCert.status).toBe(200);
    // The server presents the configured certificate: a client trusting only our CA accepted it.
    const plain = await nodeHttp.request({ method: 'GET', url: `http://${ip(1)}:8500/v1/status/leader`, timeoutMs: 10_000 });
    expect(plain.status).toBe(200);
  }, 60_000);
});
