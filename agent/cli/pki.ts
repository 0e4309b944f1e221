import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';
import type { Command, CommandContext } from './command.ts';
import { listOpt, stringOpt } from './command.ts';

// `hashinode pki`: the operator's view of the PKI, file-compatible with `consul tls`. Secrets go to
// files (keys 0600), never to the terminal; `keygen` is the one exception, by design, like
// `consul keygen`: its whole output is the key.

const USAGE = [
  'ca create --service consul|nomad|vault [--out DIR] [--days N]',
  'cert create --ca DIR --service S --role server|client|cli [--dc DC] [--region R] [--ip IP]... [--node NAME] [--out DIR] [--days N]',
  'inspect [--json] FILE',
  'keygen',
];

function usage(message: string): HashinodeError {
  return new HashinodeError('HN_E_USAGE', `${message} (usage: hashinode pki ${USAGE.join(' | hashinode pki ')})`);
}

function days(ctx: CommandContext): number | undefined {
  const raw = stringOpt(ctx.values, 'days');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 36_500) throw usage(`--days must be a whole number of days from 1 to 36500, got '${raw}'`);
  return n;
}

async function serviceOpt(ctx: CommandContext) {
  const { isService } = await import('../pki/ca.ts');
  const service = stringOpt(ctx.values, 'service');
  if (!service || !isService(service)) throw usage(`--service must be consul, nomad or vault, got '${service ?? ''}'`);
  return service;
}

function saved(ctx: CommandContext, files: { path: string; mode: number }[], extra: Record<string, unknown> = {}): void {
  if (ctx.json) ctx.stdout.write(`${JSON.stringify({ files: files.map((f) => ({ path: f.path, mode: `0${f.mode.toString(8)}` })), ...extra })}\n`);
  else for (const f of files) ctx.stdout.write(`==> Saved ${f.path}\n`);
}

async function caCreate(ctx: CommandContext): Promise<number> {
  const service = await serviceOpt(ctx);
  const out = stringOpt(ctx.values, 'out') ?? '.';
  const { caFileNames, createCa } = await import('../pki/ca.ts');
  const { writeNewFile } = await import('../pki/write.ts');
  const names = caFileNames(service);
  const certPath = path.join(out, names.cert);
  const keyPath = path.join(out, names.key);
  for (const file of [certPath, keyPath]) {
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (exists) throw new HashinodeError('HN_E_FILE_WRITE', `${file} already exists; refusing to overwrite a CA`);
  }
  const d = days(ctx);
  const ca = await createCa(service, d ? { days: d } : {});
  await writeNewFile(keyPath, ca.keyPem, 0o600);
  await writeNewFile(certPath, ca.certPem, 0o644);
  saved(ctx, [
    { path: certPath, mode: 0o644 },
    { path: keyPath, mode: 0o600 },
  ]);
  return 0;
}

async function certCreate(ctx: CommandContext): Promise<number> {
  const service = await serviceOpt(ctx);
  const caDir = stringOpt(ctx.values, 'ca');
  if (!caDir) throw usage('--ca DIR is required (the directory holding <service>-agent-ca.pem and its key)');
  const role = stringOpt(ctx.values, 'role');
  if (role !== 'server' && role !== 'client' && role !== 'cli') throw usage(`--role must be server, client or cli, got '${role ?? ''}'`);
  const node = stringOpt(ctx.values, 'node');
  if (node && (role !== 'server' || service !== 'consul')) throw usage('--node applies to Consul server certificates only');
  const out = stringOpt(ctx.values, 'out') ?? '.';
  const { loadCaFromDir } = await import('../pki/ca.ts');
  const { certFilePrefix, issueCert } = await import('../pki/certs.ts');
  const { writeNewFile } = await import('../pki/write.ts');
  const ca = await loadCaFromDir(caDir, service);
  const d = days(ctx);
  const req = {
    service,
    role,
    dc: stringOpt(ctx.values, 'dc') ?? 'dc1',
    region: stringOpt(ctx.values, 'region') ?? 'global',
    ips: listOpt(ctx.values, 'ip'),
    ...(node ? { node } : {}),
    ...(d ? { days: d } : {}),
  } as const;
  const issued = await issueCert(ca, req);
  // Like `consul tls cert create`: the first free <prefix>-<n>.pem / <prefix>-<n>-key.pem.
  const prefix = certFilePrefix(req);
  for (let i = 0; i < 10_000; i++) {
    const certPath = path.join(out, `${prefix}-${i}.pem`);
    const keyPath = path.join(out, `${prefix}-${i}-key.pem`);
    const taken = await Promise.all([certPath, keyPath].map((f) => access(f).then(() => true, () => false)));
    if (taken.some(Boolean)) continue;
    await writeNewFile(keyPath, issued.keyPem, 0o600);
    await writeNewFile(certPath, issued.certPem, 0o644);
    saved(
      ctx,
      [
        { path: certPath, mode: 0o644 },
        { path: keyPath, mode: 0o600 },
      ],
      { commonName: issued.profile.commonName, dnsNames: issued.profile.dnsNames, ipAddresses: issued.profile.ips },
    );
    return 0;
  }
  throw new HashinodeError('HN_E_FILE_WRITE', `no free file name ${prefix}-N.pem in ${out}`);
}

async function inspect(ctx: CommandContext): Promise<number> {
  const file = ctx.positionals[1];
  if (!file || ctx.positionals.length > 2) throw usage('inspect takes exactly one FILE');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new HashinodeError('HN_E_FILE_READ', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, { cause: err });
  }
  if (/-----BEGIN (EC |ENCRYPTED |RSA )?PRIVATE KEY-----/.test(text) && !text.includes('BEGIN CERTIFICATE')) {
    throw new HashinodeError('HN_E_CERT_INVALID', `${file} is a private key; pki inspect shows certificates only (it never prints keys)`);
  }
  const { inspectCert } = await import('../pki/inspect.ts');
  const info = inspectCert(text, file);
  if (ctx.json) {
    ctx.stdout.write(`${JSON.stringify(info)}\n`);
    return 0;
  }
  const lines = [
    `Subject:       ${info.subject}`,
    `Issuer:        ${info.issuer}`,
    `Serial:        ${info.serialNumber}`,
    `DNS names:     ${info.dnsNames.join(', ') || '-'}`,
    `IP addresses:  ${info.ipAddresses.join(', ') || '-'}`,
    `Not before:    ${info.notBefore}`,
    `Not after:     ${info.notAfter}`,
    `Key type:      ${info.keyType}`,
    `CA:            ${info.isCa ? 'yes' : 'no'}`,
    `Ext key usage: ${info.extKeyUsage.join(', ') || '-'}`,
    `SHA-256:       ${info.fingerprint256}`,
  ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export const command: Command = {
  name: 'pki',
  summary: 'Create CAs and certificates (consul tls compatible), inspect certificates, make gossip keys',
  usage: USAGE,
  positionals: true,
  details: [
    'ca create     a CA like `consul tls ca create`: ECDSA P-256, 5 years, files <service>-agent-ca.pem (0644)',
    '              and <service>-agent-ca-key.pem (0600, SEC1 EC PRIVATE KEY). Existing files are never replaced.',
    'cert create   a 1-year leaf signed by the CA in --ca DIR, named like `consul tls cert create` files',
    '              (<dc>-server-consul-0.pem + -key.pem; Nomad: <region>-server-nomad-0.pem).',
    'inspect       subject, SANs, validity, key type of a certificate file (never a key).',
    'keygen        a gossip key (32 random bytes, base64) on stdout, like `consul keygen`: the only',
    '              pki subcommand that prints a secret, because printing it is its purpose.',
  ].join('\n'),
  options: {
    service: { type: 'string', value: 'SERVICE', description: 'consul, nomad or vault' },
    out: { type: 'string', value: 'DIR', description: 'directory to write files to (default: current directory)' },
    ca: { type: 'string', value: 'DIR', description: 'directory holding <service>-agent-ca.pem and <service>-agent-ca-key.pem' },
    role: { type: 'string', value: 'ROLE', description: 'server, client or cli' },
    dc: { type: 'string', value: 'DC', description: 'Consul datacenter (default dc1)' },
    region: { type: 'string', value: 'REGION', description: 'Nomad region (default global)' },
    ip: { type: 'string', multiple: true, value: 'IP', description: 'extra IP SAN (repeatable), e.g. the node private IP' },
    node: { type: 'string', value: 'NAME', description: 'Consul node name: adds <node>.server.<dc>.consul' },
    days: { type: 'string', value: 'N', description: 'validity in days (default: CA 1825, certificates 365)' },
  },
  async run(ctx) {
    const [group, action] = ctx.positionals;
    if (group === 'ca' && action === 'create' && ctx.positionals.length === 2) return caCreate(ctx);
    if (group === 'cert' && action === 'create' && ctx.positionals.length === 2) return certCreate(ctx);
    if (group === 'inspect') return inspect(ctx);
    if (group === 'keygen' && ctx.positionals.length === 1) {
      const { newGossipKey } = await import('../pki/gossip.ts');
      const key = newGossipKey();
      ctx.stdout.write(ctx.json ? `${JSON.stringify({ key })}\n` : `${key}\n`);
      return 0;
    }
    throw usage(group ? `unknown subcommand '${ctx.positionals.join(' ')}'` : 'a subcommand is required');
  },
};
