import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Clock, systemClock } from '../../agent/core/clock.ts';
import {
  buildTree,
  DEFAULT_CREDENTIALS,
  DEFAULT_INSTANCE,
  type FakeImdsInstance,
  type FakeRoleCredentials,
  identityDocument,
  lookup,
  type SpotAction,
  type TreeState,
} from './imds-tree.ts';
import { type SigningKey, signDocument, signingKey } from './signing-key.ts';
import { listenFake } from './listen.ts';

// A fake EC2 Instance Metadata Service that speaks IMDSv2 as AWS documents it: a session token from
// `PUT /latest/api/token` (TTL 1..21600 s, 400 otherwise, 403 when the PUT carries X-Forwarded-For),
// GETs only with a valid token (401 when it is missing, unknown or expired: IMDSv1 is off, as on
// instances launched with HttpTokens=required), 403 on everything when IMDS is disabled, 404 for
// absent items (tags when metadata tags are off, spot/instance-action before a notice). Faults
// (latency, 503 bursts, dropped connections, token invalidation) are injected at run time.

export type { FakeImdsInstance, FakeRoleCredentials, SpotAction } from './imds-tree.ts';

export type FakeImdsFault =
  /** Answer the next `count` matching requests with 503 Service Unavailable. */
  | { kind: '503'; count: number; path?: string }
  /** Destroy the connection of the next `count` matching requests without an answer. */
  | { kind: 'drop'; count: number; path?: string }
  /** Delay the next `count` matching answers (all of them when count is absent) by `ms` real milliseconds. */
  | { kind: 'latency'; ms: number; count?: number; path?: string };

export interface FakeImdsOptions {
  instance?: Partial<FakeImdsInstance>;
  tags?: Record<string, string>;
  /** Whether instance metadata tags are on (tags/instance served); default true. */
  tagsEnabled?: boolean;
  /** PEM private key the identity document is signed with; default: a new RSA-2048 key per fake. */
  signingKeyPem?: string;
  /** Certificate for signingKeyPem; default: a self-signed one. */
  signingCertificatePem?: string;
  /** Role credentials served under iam/security-credentials/<role>. */
  credentials?: Partial<FakeRoleCredentials>;
  userData?: string;
  /** IMDS turned off (HttpEndpoint=disabled): every request answers 403. */
  disabled?: boolean;
  /** Token expiry runs on this clock's monotonic time (inject a ManualClock to expire tokens). */
  clock?: Clock;
  /** JSON file re-read whenever it changes (standalone/demo): any of the fields of FakeImdsState. */
  stateFile?: string;
  host?: string;
  port?: number;
}

/** What a state file may set (all optional). */
export interface FakeImdsState {
  instance?: Partial<FakeImdsInstance>;
  tags?: Record<string, string>;
  tagsEnabled?: boolean;
  spotAction?: SpotAction | null;
  lifecycleState?: string | null;
  disabled?: boolean;
  credentials?: Partial<FakeRoleCredentials>;
  userData?: string | null;
}

export interface FakeImdsRequest {
  method: string;
  /** Path relative to /latest/ (decoded). */
  path: string;
  status: number;
  /** Whether the request carried a session token header. */
  withToken: boolean;
}

export interface FakeImds {
  url: string;
  port: number;
  instance: FakeImdsInstance;
  tags: Record<string, string>;
  readonly requests: FakeImdsRequest[];
  /** Tokens issued so far (PUT /latest/api/token answered 200). */
  readonly tokensIssued: number;
  readonly signingCertificatePem: string;
  readonly signingPublicKeyPem: string;
  readonly signingKeyPem: string;
  /** The identity document and its signature as currently served. */
  identity(): { document: string; signature: string };
  setTagsEnabled(on: boolean): void;
  setTags(tags: Record<string, string>): void;
  setSpotAction(action: SpotAction | null): void;
  setLifecycleState(state: string | null): void;
  setDisabled(disabled: boolean): void;
  /** Every issued token becomes unknown (as after an instance stop/start). */
  invalidateTokens(): void;
  injectFault(fault: FakeImdsFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export const MAX_TOKEN_TTL = 21600;

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Missing or Invalid Parameters',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  503: 'Service Unavailable',
};

export async function startFakeImds(opts: FakeImdsOptions = {}): Promise<FakeImds> {
  const clock = opts.clock ?? systemClock;
  const key: SigningKey = signingKey(opts.signingKeyPem, opts.signingCertificatePem);
  const state: TreeState & { disabled: boolean } = {
    instance: { ...DEFAULT_INSTANCE, ...opts.instance },
    tags: { ...opts.tags },
    tagsEnabled: opts.tagsEnabled ?? true,
    spotAction: null,
    lifecycleState: null,
    credentials: { ...DEFAULT_CREDENTIALS, ...opts.credentials },
    userData: opts.userData ?? null,
    disabled: opts.disabled ?? false,
  };
  const tokens = new Map<string, number>(); // token -> monotonic expiry
  let faults: (FakeImdsFault & { left: number })[] = [];
  const requests: FakeImdsRequest[] = [];
  let tokensIssued = 0;
  let stateMtime = -1;

  const reloadState = () => {
    if (!opts.stateFile) return;
    let mtime: number;
    try {
      mtime = statSync(opts.stateFile).mtimeMs;
    } catch {
      return; // not written yet: keep what we have
    }
    if (mtime === stateMtime) return;
    stateMtime = mtime;
    const s = JSON.parse(readFileSync(opts.stateFile, 'utf8')) as FakeImdsState;
    if (s.instance) state.instance = { ...DEFAULT_INSTANCE, ...opts.instance, ...s.instance };
    if (s.tags) state.tags = { ...s.tags };
    if (s.tagsEnabled !== undefined) state.tagsEnabled = s.tagsEnabled;
    if (s.spotAction !== undefined) state.spotAction = s.spotAction;
    if (s.lifecycleState !== undefined) state.lifecycleState = s.lifecycleState;
    if (s.disabled !== undefined) state.disabled = s.disabled;
    if (s.credentials) state.credentials = { ...DEFAULT_CREDENTIALS, ...s.credentials };
    if (s.userData !== undefined) state.userData = s.userData;
  };

  const takeFault = (rel: string): FakeImdsFault | undefined => {
    const f = faults.find((x) => (x.path === undefined || rel.startsWith(x.path)) && x.left > 0);
    if (!f) return undefined;
    f.left -= 1;
    faults = faults.filter((x) => x.left > 0);
    return f;
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, rel: string): number => {
    if (state.disabled) {
      send(res, 403, STATUS_TEXT[403]!);
      return 403;
    }
    if (rel === 'api/token') {
      if (req.method !== 'PUT') {
        send(res, 405, STATUS_TEXT[405]!, { allow: 'PUT' });
        return 405;
      }
      // A proxied PUT must not obtain a token: that is how IMDSv2 stops SSRF through proxies.
      if (req.headers['x-forwarded-for'] !== undefined) {
        send(res, 403, STATUS_TEXT[403]!);
        return 403;
      }
      const ttlHeader = req.headers['x-aws-ec2-metadata-token-ttl-seconds'];
      const ttl = typeof ttlHeader === 'string' && /^\d+$/.test(ttlHeader.trim()) ? Number(ttlHeader) : Number.NaN;
      if (!(ttl >= 1 && ttl <= MAX_TOKEN_TTL)) {
        send(res, 400, STATUS_TEXT[400]!);
        return 400;
      }
      const token = randomBytes(42).toString('base64url');
      tokens.set(token, clock.monotonic() + ttl * 1000);
      tokensIssued += 1;
      send(res, 200, token, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
      return 200;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, STATUS_TEXT[405]!, { allow: 'GET, HEAD' });
      return 405;
    }
    const token = req.headers['x-aws-ec2-metadata-token'];
    const expiry = typeof token === 'string' ? tokens.get(token) : undefined;
    if (expiry === undefined || clock.monotonic() >= expiry) {
      if (typeof token === 'string') tokens.delete(token);
      send(res, 401, STATUS_TEXT[401]!);
      return 401;
    }
    const tree = buildTree(state, clock.now());
    if (rel === 'dynamic/instance-identity/signature') {
      send(res, 200, signDocument(key, identityDocument(state.instance)));
      return 200;
    }
    const value = lookup(tree, rel.replace(/\/+$/, ''));
    if (value === undefined) {
      send(res, 404, STATUS_TEXT[404]!);
      return 404;
    }
    const type = rel.startsWith('dynamic/') || value.startsWith('{') ? 'application/json' : 'text/plain';
    send(res, 200, value, { 'content-type': type });
    return 200;
  };

  const onRequest: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://imds');
    const rel = decodeURIComponent(url.pathname).replace(/^\/latest\/?/, '');
    const record = (status: number) =>
      requests.push({
        method: req.method ?? '',
        path: rel,
        status,
        withToken: req.headers['x-aws-ec2-metadata-token'] !== undefined,
      });
    req.resume();
    req.on('end', () => {
      try {
        reloadState();
      } catch (err) {
        send(res, 500, `bad state file: ${(err as Error).message}`);
        record(500);
        return;
      }
      if (!url.pathname.startsWith('/latest')) {
        send(res, 404, STATUS_TEXT[404]!);
        record(404);
        return;
      }
      const fault = takeFault(rel);
      if (fault?.kind === 'drop') {
        record(0);
        req.socket.destroy();
        return;
      }
      if (fault?.kind === '503') {
        send(res, 503, STATUS_TEXT[503]!);
        record(503);
        return;
      }
      const answer = () => record(handle(req, res, rel));
      if (fault?.kind === 'latency') setTimeout(answer, fault.ms);
      else answer();
    });
  };
  const listening = await listenFake(onRequest, opts);

  return {
    url: listening.url,
    port: listening.address.port,
    get instance() {
      return state.instance;
    },
    set instance(v) {
      state.instance = v;
    },
    get tags() {
      return state.tags;
    },
    set tags(v) {
      state.tags = v;
    },
    requests,
    get tokensIssued() {
      return tokensIssued;
    },
    signingCertificatePem: key.certificatePem,
    signingPublicKeyPem: key.publicKeyPem,
    signingKeyPem: key.privateKeyPem,
    identity() {
      const document = identityDocument(state.instance);
      return { document, signature: signDocument(key, document) };
    },
    setTagsEnabled(on) {
      state.tagsEnabled = on;
    },
    setTags(tags) {
      state.tags = { ...tags };
    },
    setSpotAction(a) {
      state.spotAction = a;
    },
    setLifecycleState(s) {
      state.lifecycleState = s;
    },
    setDisabled(d) {
      state.disabled = d;
    },
    invalidateTokens: () => tokens.clear(),
    injectFault(f) {
      faults.push({ ...f, left: f.count ?? Number.POSITIVE_INFINITY });
    },
    clearFaults() {
      faults = [];
    },
    close: listening.close,
  };
}

// Standalone: node test/fakes/imds.ts --port N [--state FILE] [--cert-out FILE] [--key FILE]
// Prints one JSON line {"url": ...} once listening.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string' },
      'cert-out': { type: 'string' },
      key: { type: 'string' },
    },
  });
  const fake = await startFakeImds({
    port: Number(values.port),
    host: values.host,
    stateFile: values.state,
    signingKeyPem: values.key ? readFileSync(values.key, 'utf8') : undefined,
  });
  if (values['cert-out']) writeFileSync(values['cert-out'], fake.signingCertificatePem);
  process.stdout.write(`${JSON.stringify({ url: fake.url, port: fake.port })}\n`);
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void fake.close().then(() => process.exit(0)));
}
