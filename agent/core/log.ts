import pino from 'pino';

// JSON lines to stdout for journald. No transports: they need worker threads, which a single
// executable cannot load. Every field that can carry a secret is redacted by path, wherever it sits.

export type Log = pino.Logger;

/** Keys that may hold secrets; redacted at the top level and one or two levels down. */
export const SECRET_KEYS = [
  'token',
  'secret',
  'secretId',
  'SecretID',
  'bootstrapSecret',
  'BootstrapSecret',
  'password',
  'privateKey',
  'key',
  'keyPem',
  'gossipKey',
  'encrypt',
  'authorization',
  'Authorization',
  'x-consul-token',
  'X-Consul-Token',
  'x-nomad-token',
  'X-Nomad-Token',
  'x-vault-token',
  'X-Vault-Token',
  'x-aws-ec2-metadata-token',
  'X-aws-ec2-metadata-token',
  'credentials',
  'bundle',
];

export function redactPaths(): string[] {
  const paths: string[] = [];
  for (const k of SECRET_KEYS) {
    const seg = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
    const join = (prefix: string) => (seg.startsWith('[') ? `${prefix}${seg}` : `${prefix}.${seg}`);
    paths.push(seg.startsWith('[') ? seg.slice(2, -2) : seg, join('*'), join('*.*'));
  }
  return paths;
}

export interface LogOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
  base?: Record<string, unknown>;
}

export function createLog(options: LogOptions = {}): Log {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { name: 'hashinode' },
      redact: { paths: redactPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** A logger that drops everything (tests, commands that print only data). */
export function silentLog(): Log {
  return pino({ level: 'silent' });
}
