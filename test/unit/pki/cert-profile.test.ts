import { describe, expect, it } from 'vitest';
import { type CertRequest, certFilePrefix, certProfile } from '../../../agent/pki/certs.ts';

describe('certProfile: the names each product checks', () => {
  const cases: { req: CertRequest; cn: string; dns: string[]; ips: string[]; eku: string[] }[] = [
    {
      req: { service: 'consul', role: 'server', dc: 'dc1', node: 'n1', ips: ['10.0.0.5'] },
      cn: 'server.dc1.consul',
      dns: ['server.dc1.consul', 'n1.server.dc1.consul', 'localhost'],
      ips: ['127.0.0.1', '10.0.0.5'],
      eku: ['serverAuth', 'clientAuth'],
    },
    { req: { service: 'consul', role: 'client', dc: 'east' }, cn: 'client.east.consul', dns: ['client.east.consul', 'localhost'], ips: ['127.0.0.1'], eku: ['serverAuth', 'clientAuth'] },
    { req: { service: 'consul', role: 'cli' }, cn: 'cli.dc1.consul', dns: ['cli.dc1.consul', 'localhost'], ips: [], eku: ['clientAuth'] },
    { req: { service: 'nomad', role: 'server', ips: ['10.0.0.6'] }, cn: 'server.global.nomad', dns: ['server.global.nomad', 'localhost'], ips: ['127.0.0.1', '10.0.0.6'], eku: ['serverAuth', 'clientAuth'] },
    { req: { service: 'nomad', role: 'client', region: 'eu' }, cn: 'client.eu.nomad', dns: ['client.eu.nomad', 'localhost'], ips: ['127.0.0.1'], eku: ['serverAuth', 'clientAuth'] },
    { req: { service: 'nomad', role: 'cli', region: 'eu' }, cn: 'cli.eu.nomad', dns: ['cli.eu.nomad', 'localhost'], ips: [], eku: ['clientAuth'] },
    {
      req: { service: 'vault', role: 'server', ips: ['10.0.0.7'] },
      cn: 'vault.service.consul',
      dns: ['vault.service.consul', 'active.vault.service.consul', 'localhost'],
      ips: ['127.0.0.1', '10.0.0.7'],
      eku: ['serverAuth', 'clientAuth'],
    },
  ];
  it.each(cases)('$req.service $req.role -> $cn', ({ req, cn, dns, ips, eku }) => {
    const p = certProfile(req);
    expect(p.commonName).toBe(cn);
    expect(p.dnsNames).toEqual(dns);
    expect(p.ips).toEqual(ips);
    expect(p.extKeyUsage).toEqual(eku);
  });

  it('never lists a name twice', () => {
    const p = certProfile({ service: 'consul', role: 'server', ips: ['127.0.0.1'], dnsNames: ['localhost'] });
    expect(p.ips).toEqual(['127.0.0.1']);
    expect(p.dnsNames.filter((n) => n === 'localhost')).toHaveLength(1);
  });

  it('a node name is added to Consul server certificates only', () => {
    expect(certProfile({ service: 'consul', role: 'client', node: 'n1' }).dnsNames).not.toContain('n1.server.dc1.consul');
  });

  it.each([
    [{ service: 'consul', role: 'server', ips: ['10.0.0.300'] }, /not an IP address/],
    [{ service: 'vault', role: 'client' }, /server or cli/],
  ] as [CertRequest, RegExp][])('refuses %j', (req, message) => {
    expect(() => certProfile(req)).toThrow(message);
  });

  it.each([
    [{ service: 'consul', role: 'server', dc: 'dc1' }, 'dc1-server-consul'],
    [{ service: 'consul', role: 'cli', dc: 'dc2' }, 'dc2-cli-consul'],
    [{ service: 'nomad', role: 'client', region: 'global' }, 'global-client-nomad'],
    [{ service: 'vault', role: 'server' }, 'dc1-server-vault'],
  ] as [CertRequest, string][])('file prefix of %j is %s', (req, prefix) => {
    expect(certFilePrefix(req)).toBe(prefix);
  });
});
