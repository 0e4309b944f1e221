import { readFile } from 'node:fs/promises';
import type { Paths } from '../core/paths.ts';
import { type Service, tlsPaths } from '../node/materials.ts';
import type { CaMaterial } from './ca.ts';
import { type CertRequest, issueCert } from './certs.ts';
import { inspectCert } from './inspect.ts';
import { writeFileIfChanged } from './write.ts';

// Leaf certificates live a year; one with under 30 days left is re-issued with the same names, and
// its service is reported so the caller reloads it (Consul and Nomad re-read TLS files on SIGHUP).

export const RENEW_BEFORE_DAYS = 30;

/** True when the certificate expires within `days` of `now` (or already has). */
export function needsRenewal(certPem: string, now: Date, days = RENEW_BEFORE_DAYS): boolean {
  const notAfter = Date.parse(inspectCert(certPem).notAfter);
  return notAfter - now.getTime() < days * 86_400_000;
}

/** The request that re-creates a certificate with the same names, read back from the certificate. */
export function requestFromCert(service: Service, certPem: string): Omit<CertRequest, 'now'> {
  const info = inspectCert(certPem);
  const cn = /CN=([^,]+)/.exec(info.subject)?.[1] ?? '';
  const role: CertRequest['role'] = cn.startsWith('cli.') ? 'cli' : cn.startsWith('client.') ? 'client' : 'server';
  const parts = cn.split('.');
  // A Consul server's node name comes back as `node`, so the names keep their original order.
  const nodeSuffix = `.server.${parts[1]}.consul`;
  const nodeName = service === 'consul' && role === 'server' ? info.dnsNames.find((n) => n.endsWith(nodeSuffix)) : undefined;
  return {
    service,
    role,
    ...(service === 'nomad' ? { region: parts[1] ?? 'global' } : { dc: parts[1] ?? 'dc1' }),
    ...(nodeName ? { node: nodeName.slice(0, -nodeSuffix.length) } : {}),
    dnsNames: info.dnsNames.filter((n) => n !== nodeName),
    ips: info.ipAddresses,
  };
}

export interface RenewResult {
  /** Services whose certificate was re-issued: reload them. */
  reload: Service[];
  checked: string[];
}

/**
 * Checks each service's agent and CLI certificate under the root and re-issues those close to
 * expiry with the CA given for that service (only CA holders can renew). Missing files are skipped.
 */
export async function renewIfNeeded(opts: { paths: Paths; cas: Partial<Record<Service, CaMaterial>>; now: Date }): Promise<RenewResult> {
  const reload = new Set<Service>();
  const checked: string[] = [];
  for (const [service, ca] of Object.entries(opts.cas) as [Service, CaMaterial][]) {
    const p = tlsPaths(service);
    for (const [certFile, keyFile] of [
      [p.certFile, p.keyFile],
      [p.cliCertFile, p.cliKeyFile],
    ] as const) {
      let pem: string;
      try {
        pem = await readFile(opts.paths.host(certFile), 'utf8');
      } catch {
        continue;
      }
      checked.push(certFile);
      if (!needsRenewal(pem, opts.now)) continue;
      const fresh = await issueCert(ca, { ...requestFromCert(service, pem), now: opts.now });
      await writeFileIfChanged(opts.paths.host(keyFile), fresh.keyPem, 0o600);
      await writeFileIfChanged(opts.paths.host(certFile), fresh.certPem, 0o644);
      if (certFile === p.certFile) reload.add(service);
    }
  }
  return { reload: [...reload], checked };
}
