import { describe, expect, it } from 'vitest';
import { parse, toJson } from '../../../agent/hcl/index.ts';
import { CONSUL_KEY, NOMAD_KEY, nodeFacts } from './node-facts.ts';
import { fileOf, hclObject, renderFor } from './render-helpers.ts';

// The goldens checked by meaning: every value a service depends on, read back with hcl2-parser,
// and our own parser's JSON projection agreeing with it.

const secrets = { consulGossipKey: CONSUL_KEY, nomadGossipKey: NOMAD_KEY };
const JOIN = ['provider=aws tag_key=hashinode:join tag_value=prod'];
const CONSUL_TLS = { ca: '/etc/consul.d/tls/consul-agent-ca.pem', cert: '/etc/consul.d/tls/consul-cert.pem', key: '/etc/consul.d/tls/consul-key.pem' };

async function parsed(kind: Parameters<typeof nodeFacts>[0], file: string, spec = {}) {
  const text = fileOf(await renderFor(nodeFacts(kind, spec), secrets), file);
  const obj = hclObject(text);
  expect(toJson(parse(text, file))).toEqual(obj);
  return obj;
}

describe('consul.hcl', () => {
  it('server: identity, addresses, bootstrap_expect, join, TLS, auto_encrypt, ACLs, no secret', async () => {
    const c = await parsed('server', '/etc/consul.d/consul.hcl');
    expect(c).toMatchObject({
      datacenter: 'dc1',
      node_name: 'i-0a1b2c3d4e5f60001',
      data_dir: '/opt/consul',
      server: true,
      bootstrap_expect: 3,
      bind_addr: '10.0.1.11',
      advertise_addr: '10.0.1.11',
      client_addr: '127.0.0.1',
      retry_join: JOIN,
      leave_on_terminate: false,
    });
    expect(c.ports).toEqual([{ http: 8500, https: 8501, grpc_tls: 8503, dns: 8600 }]);
    expect(c.ui_config).toEqual([{ enabled: true }]);
    expect(c.tls[0].defaults).toEqual([{ ca_file: CONSUL_TLS.ca, cert_file: CONSUL_TLS.cert, key_file: CONSUL_TLS.key, verify_incoming: true, verify_outgoing: true }]);
    expect(c.tls[0].internal_rpc).toEqual([{ verify_server_hostname: true }]);
    expect(c.tls[0].https).toEqual([{ verify_incoming: false }]);
    expect(c.auto_encrypt).toEqual([{ allow_tls: true }]);
    expect(c.acl).toEqual([{ enabled: true, default_policy: 'deny', enable_token_persistence: true }]);
    expect(c.encrypt).toBeUndefined();
    expect(c.acl[0].tokens).toBeUndefined();
    expect(c.telemetry[0]).toMatchObject({ disable_hostname: true });
  });

  it('client: no server keys, CA only, auto_encrypt.tls, leave_on_terminate', async () => {
    const c = await parsed('worker', '/etc/consul.d/consul.hcl');
    expect(c).toMatchObject({ server: false, node_name: 'i-0a1b2c3d4e5f60002', bind_addr: '10.0.2.21', retry_join: JOIN, leave_on_terminate: true });
    expect(c.bootstrap_expect).toBeUndefined();
    expect(c.ui_config).toBeUndefined();
    expect(c.tls[0].defaults).toEqual([{ ca_file: CONSUL_TLS.ca, verify_incoming: false, verify_outgoing: true }]);
    expect(c.tls[0].internal_rpc).toEqual([{ verify_server_hostname: true }]);
    expect(c.auto_encrypt).toEqual([{ tls: true, ip_san: ['10.0.2.21', '127.0.0.1'] }]);
  });

  it('dev cluster: bootstrap_expect = 1', async () => {
    expect((await parsed('dev', '/etc/consul.d/consul.hcl')).bootstrap_expect).toBe(1);
    expect((await parsed('dev', '/etc/nomad.d/nomad.hcl')).server[0].bootstrap_expect).toBe(1);
  });

  it('client_addr follows the spec (the local simulation gives each node its own loopback address)', async () => {
    const c = await parsed('worker', '/etc/consul.d/consul.hcl', { clientAddr: '127.0.1.7' });
    expect(c.client_addr).toBe('127.0.1.7');
    expect(c.auto_encrypt[0].ip_san).toEqual(['10.0.2.21', '127.0.1.7', '127.0.0.1']);
  });

  it('encrypt.hcl holds exactly the gossip key', async () => {
    expect(await parsed('worker', '/etc/consul.d/encrypt.hcl')).toEqual({ encrypt: CONSUL_KEY });
    expect(await parsed('server', '/etc/nomad.d/encrypt.hcl')).toEqual({ server: [{ encrypt: NOMAD_KEY }] });
  });
});

describe('nomad.hcl', () => {
  const NOMAD_TLS = {
    http: true,
    rpc: true,
    ca_file: '/etc/nomad.d/tls/nomad-agent-ca.pem',
    cert_file: '/etc/nomad.d/tls/nomad-cert.pem',
    key_file: '/etc/nomad.d/tls/nomad-key.pem',
    verify_server_hostname: true,
    verify_https_client: false,
  };

  it('server: server block with join, TLS, ACL, consul and vault integration, no client block', async () => {
    const n = await parsed('server', '/etc/nomad.d/nomad.hcl');
    expect(n).toMatchObject({ region: 'global', datacenter: 'dc1', name: 'i-0a1b2c3d4e5f60001', data_dir: '/opt/nomad/data', bind_addr: '10.0.1.11' });
    expect(n.advertise).toEqual([{ http: '10.0.1.11', rpc: '10.0.1.11', serf: '10.0.1.11' }]);
    expect(n.server).toEqual([{ enabled: true, bootstrap_expect: 3, server_join: [{ retry_join: JOIN }] }]);
    expect(n.client).toBeUndefined();
    expect(n.tls).toEqual([NOMAD_TLS]);
    expect(n.acl).toEqual([{ enabled: true }]);
    expect(n.consul).toEqual([{ address: '127.0.0.1:8500', grpc_address: '127.0.0.1:8503', grpc_ca_file: '/etc/consul.d/tls/consul-agent-ca.pem' }]);
    expect(n.vault).toEqual([{ enabled: true, address: 'https://vault.service.consul:8200', ca_file: '/etc/vault.d/tls/vault-agent-ca.pem' }]);
  });

  it('worker: client block with node_class, meta and server_join; no server block; no vault when the cluster has none', async () => {
    const n = await parsed('worker', '/etc/nomad.d/nomad.hcl');
    expect(n.server).toBeUndefined();
    expect(n.client).toEqual([{ enabled: true, node_class: 'general', meta: { team: 'platform', 'rack.zone': 'a' }, server_join: [{ retry_join: JOIN }] }]);
    expect(n.tls).toEqual([NOMAD_TLS]);
    expect(n.vault).toBeUndefined();
  });

  it('dev node: the client block inside server.hcl matches client.hcl', async () => {
    const spec = { nodeClass: 'dev', nodeMeta: { a: 'b' } };
    const dev = await parsed('dev', '/etc/nomad.d/nomad.hcl', spec);
    const worker = await parsed('worker', '/etc/nomad.d/nomad.hcl', spec);
    const { server_join: _join, ...workerClient } = worker.client[0];
    expect(dev.client).toEqual([workerClient]);
    expect(dev.server[0].enabled).toBe(true);
  });
});

describe('vault.hcl', () => {
  it('raft storage with AWS auto-join, TLS listener, addresses, awskms seal, ui', async () => {
    const v = await parsed('vault', '/etc/vault.d/vault.hcl');
    expect(v).toMatchObject({ ui: true, cluster_name: 'prod', api_addr: 'https://10.0.3.31:8200', cluster_addr: 'https://10.0.3.31:8201', disable_mlock: true });
    expect(v.listener).toEqual({
      tcp: [{ address: '10.0.3.31:8200', cluster_address: '10.0.3.31:8201', tls_cert_file: '/etc/vault.d/tls/vault-cert.pem', tls_key_file: '/etc/vault.d/tls/vault-key.pem', tls_min_version: 'tls12' }],
    });
    expect(v.storage.raft[0]).toEqual({
      path: '/opt/vault/data',
      node_id: 'i-0a1b2c3d4e5f60003',
      retry_join: [{ auto_join: JOIN[0], auto_join_scheme: 'https', leader_ca_cert_file: '/etc/vault.d/tls/vault-agent-ca.pem' }],
    });
    expect(v.seal).toEqual({ awskms: [{ region: 'eu-west-1', kms_key_id: 'alias/hashinode-unseal' }] });
  });

  it('consul storage through the local agent, with no token in the file, and no seal without a KMS key', async () => {
    const v = await parsed('vault', '/etc/vault.d/vault.hcl', { vault: { enabled: true, storage: 'consul', kmsKeyId: null } });
    expect(v.storage).toEqual({ consul: [{ address: '127.0.0.1:8500', scheme: 'http', path: 'vault/', service: 'vault' }] });
    expect(v.seal).toBeUndefined();
    expect(v.disable_mlock).toBeUndefined();
  });
});

describe('dnsmasq and resolv.conf', () => {
  it('forwards .consul to the agent and the rest to the recursors; resolv.conf points at dnsmasq', async () => {
    const files = await renderFor(nodeFacts('worker', { recursors: ['169.254.169.253', 'fd00:ec2::253'], clientAddr: '127.0.1.9' }), secrets);
    const lines = fileOf(files, '/etc/dnsmasq.d/10-consul.conf').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual(['server=/consul/127.0.1.9#8600', 'server=169.254.169.253', 'server=fd00:ec2::253', 'listen-address=127.0.0.1', 'bind-interfaces', 'no-resolv']);
    const resolv = fileOf(files, '/etc/resolv.conf').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(resolv).toEqual(['nameserver 127.0.0.1', 'search eu-west-1.compute.internal consul']);
  });

  it('no search line without search domains', async () => {
    const files = await renderFor(nodeFacts('worker', { dnsSearch: [] }), secrets);
    expect(fileOf(files, '/etc/resolv.conf')).not.toMatch(/^search/m);
  });
});
