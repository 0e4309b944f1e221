import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';
import type { Service } from '../node/materials.ts';
import { exportSec1Pem, generateEcKeyPair, importEcPrivateKey, keyIdHex, randomSerial } from './keys.ts';
import { loadX509 } from './x509-lib.ts';

// One CA per service, made the way `consul tls ca create` makes it (same subject, key usages, key
// ids and file names), so an operator can keep using HashiCorp's own tooling with these files.

export type { Service } from '../node/materials.ts';
export const SERVICES: readonly Service[] = ['consul', 'nomad', 'vault'];

export interface CaMaterial {
  service: Service;
  certPem: string;
  /** SEC1 PEM (`EC PRIVATE KEY`); absent where only the certificate travels (workers). */
  keyPem: string;
}

export const CA_DAYS = 5 * 365;
const CA_TITLE: Record<Service, string> = { consul: 'Consul Agent CA', nomad: 'Nomad Agent CA', vault: 'Vault Agent CA' };

/** `consul-agent-ca.pem` / `consul-agent-ca-key.pem`, as Consul and Nomad name them. */
export function caFileNames(service: Service): { cert: string; key: string } {
  return { cert: `${service}-agent-ca.pem`, key: `${service}-agent-ca-key.pem` };
}

export function isService(value: string): value is Service {
  return (SERVICES as readonly string[]).includes(value);
}

export interface CreateCaOptions {
  /** Start of validity (default now); injected so tests and renewals are deterministic. */
  now?: Date;
  days?: number;
}

export async function createCa(service: Service, opts: CreateCaOptions = {}): Promise<CaMaterial> {
  try {
    const x509 = await loadX509();
    const keys = await generateEcKeyPair();
    const serial = randomSerial();
    const now = opts.now ?? new Date();
    const keyId = await keyIdHex(keys.publicKey);
    // Attribute order and values follow Consul's CA (Go's pkix.Name order: C, O, L, ST, street, postalCode, CN).
    const name: Record<string, string[]>[] = [
      { C: ['US'] },
      { O: ['HashiCorp Inc.'] },
      { L: ['San Francisco'] },
      { ST: ['CA'] },
      { '2.5.4.9': ['101 Second Street'] },
      { '2.5.4.17': ['94105'] },
      { CN: [`${CA_TITLE[service]} ${serial.decimal}`] },
    ];
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial.hex,
      name,
      notBefore: now,
      notAfter: new Date(now.getTime() + (opts.days ?? CA_DAYS) * 86_400_000),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        new x509.SubjectKeyIdentifierExtension(keyId),
        new x509.AuthorityKeyIdentifierExtension(keyId),
      ],
    });
    return { service, certPem: `${cert.toString('pem')}\n`, keyPem: await exportSec1Pem(keys.privateKey) };
  } catch (err) {
    throw new HashinodeError('HN_E_PKI', `creating the ${service} CA failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads `<dir>/<service>-agent-ca.pem` and its key, checking that they belong together. */
export async function loadCaFromDir(dir: string, service: Service): Promise<CaMaterial> {
  const names = caFileNames(service);
  const certFile = path.join(dir, names.cert);
  const keyFile = path.join(dir, names.key);
  const read = async (file: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new HashinodeError('HN_E_FILE_READ', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, { cause: err });
    }
  };
  const ca = { service, certPem: await read(certFile), keyPem: await read(keyFile) };
  await assertCaMatches(ca, `${certFile} + ${keyFile}`);
  return ca;
}

export async function assertCaMatches(ca: CaMaterial, source: string): Promise<void> {
  const x509 = await loadX509();
  let cert: InstanceType<typeof x509.X509Certificate>;
  try {
    cert = new x509.X509Certificate(ca.certPem);
  } catch (err) {
    throw new HashinodeError('HN_E_CERT_INVALID', `${source}: the CA certificate does not parse`, { cause: err });
  }
  const keys = await importEcPrivateKey(ca.keyPem, source);
  const fromKey = await keyIdHex(keys.publicKey);
  const fromCert = await keyIdHex(await cert.publicKey.export());
  if (fromKey !== fromCert) throw new HashinodeError('HN_E_CERT_INVALID', `${source}: the CA key does not match the CA certificate`);
}
