import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../agent/core/http.ts';
import { eventually, loopbackBlock, type StandinProcess, startStandin } from '../../fakes/standins/spawn.ts';
import { tempDir } from '../../helpers/tmp.ts';

// Consul's Type=notify behaviour: READY=1 only after a LAN join. A lone bootstrap server (no
// retry_join) becomes leader but never notifies; a client that joins it does. Node cannot bind a
// unix datagram socket, so a tiny python3 listener stands in for systemd.

const ip = loopbackBlock();
const procs: StandinProcess[] = [];
let listener: ChildProcess | undefined;
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  listener?.kill('SIGKILL');
});

const LISTEN = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", " "), flush=True)
`;

function startListener(sock: string): Promise<{ messages: () => string }> {
  let out = '';
  listener = spawn('python3', ['-c', LISTEN, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  listener.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return eventually(async () => (out.includes('bound') ? { messages: () => out } : undefined), 'notify listener', 20_000);
}

function config(root: string, name: string, body: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'consul.hcl'), `node_name = "${name}"\ndata_dir = "${root}/${name}-data"\n${body}`);
  return dir;
}

describe('consul stand-in readiness notification', () => {
  it('sends READY=1 only after a LAN join', async () => {
    const root = await tempDir('standin-notify-');
    const sock = path.join(root, 'notify.sock');
    const notify = await startListener(sock);
    const env = { HASHINODE_SIM_STATE_DIR: path.join(root, 'state'), HASHINODE_SIM_RETRY_INTERVAL_MS: '300', NOTIFY_SOCKET: sock };
    const server = startStandin('consul', ['agent', `-config-dir=${config(root, 'boot-1', `server = true\nbootstrap_expect = 1\nbind_addr = "${ip(1)}"\nclient_addr = "${ip(1)}"\n`)}`], env);
    procs.push(server);
    await server.waitFor(/cluster leadership acquired/);
    const leader = await nodeHttp.request({ method: 'GET', url: `http://${ip(1)}:8500/v1/status/leader`, timeoutMs: 10_000 });
    expect(JSON.parse(leader.body)).toBe(`${ip(1)}:8300`);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(notify.messages()).not.toContain('READY=1');

    const client = startStandin('consul', ['agent', `-config-dir=${config(root, 'client-1', `bind_addr = "${ip(2)}"\nclient_addr = "${ip(2)}"\nretry_join = ["${ip(1)}"]\n`)}`], env);
    procs.push(client);
    await client.waitFor(/Join cluster completed/);
    await eventually(async () => (notify.messages().includes('READY=1') ? true : undefined), 'READY=1 from the client', 20_000);
  }, 60_000);
});
