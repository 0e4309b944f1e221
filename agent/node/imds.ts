import type { Clock } from '../core/clock.ts';
import { HashinodeError } from '../core/errors.ts';
import { type Http, HttpError, type HttpResponse } from '../core/http.ts';
import type { Log } from '../core/log.ts';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';

// IMDSv2 only. A session token from PUT /latest/api/token is shared by every caller and reused until
// shortly before it expires; IMDSv1 (a GET without a token) is never tried, because an instance that
// answers it is one where any SSRF can read role credentials. Status codes mean what AWS documents:
// 401 the token expired (new token, retry once), 403 IMDS is off or blocked (fail fast, retrying
// cannot help), 404 no such item (the caller decides), 503 and network errors are transient
// (retried with backoff inside one overall deadline).

export const DEFAULT_IMDS_ENDPOINT = 'http://169.254.169.254';
export const IMDS_IPV6_ENDPOINT = 'http://[fd00:ec2::254]';
export const MAX_TOKEN_TTL_SECONDS = 21600;

export interface ImdsClientOptions {
  endpoint: string;
  http: Http;
  clock: Clock;
  log?: Log;
  /** Session token lifetime asked for (1..21600, default 21600). */
  tokenTtlSeconds?: number;
  /** Timeout of one HTTP request (default 1000 ms). */
  requestTimeoutMs?: number;
  /** Overall time one get() may take, retries included (default 30 s). */
  deadlineMs?: number;
  /** Larger answers are an error (default 256 KiB). */
  maxResponseBytes?: number;
  backoff?: BackoffPolicy;
}

interface Token {
  value: string;
  /** Monotonic time after which the token is not used any more. */
  renewAt: number;
}

/** A failure worth retrying (503, timeout, refused or reset connection). */
class Transient extends Error {}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 2000 };

/** Encodes each path segment, keeping the characters tag keys commonly use (`hashinode:cluster`). */
function encodePath(path: string): string {
  return path
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%3A/gi, ':').replace(/%40/gi, '@').replace(/%2B/gi, '+').replace(/%3D/gi, '='))
    .join('/');
}

export class ImdsClient {
  readonly endpoint: string;
  private readonly http: Http;
  private readonly clock: Clock;
  private readonly log: Log | undefined;
  private readonly ttlSeconds: number;
  private readonly requestTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly maxBytes: number;
  private readonly backoff: BackoffPolicy;
  private token: Token | undefined;
  private tokenRequest: Promise<Token> | undefined;

  constructor(opts: ImdsClientOptions) {
    this.endpoint = opts.endpoint.replace(/\/+$/, '');
    this.http = opts.http;
    this.clock = opts.clock;
    this.log = opts.log;
    this.ttlSeconds = opts.tokenTtlSeconds ?? MAX_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 1 || this.ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
      throw new HashinodeError('HN_E_USAGE', `IMDS token TTL must be 1..${MAX_TOKEN_TTL_SECONDS} seconds, got ${opts.tokenTtlSeconds}`);
    }
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 1000;
    this.deadlineMs = opts.deadlineMs ?? 30_000;
    this.maxBytes = opts.maxResponseBytes ?? 256 * 1024;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  /** The item at `path` (relative to /latest/, e.g. `meta-data/instance-id`), or null when IMDS says 404. */
  async get(path: string): Promise<string | null> {
    const deadline = this.clock.monotonic() + this.deadlineMs;
    let renewedAfter401 = false;
    let lastFailure = '';
    for (let attempt = 0; ; attempt++) {
      try {
        const token = await this.sessionToken(deadline);
        const res = await this.send('GET', path, { 'x-aws-ec2-metadata-token': token.value }, deadline);
        if (res.status === 200) return res.body;
        if (res.status === 404) return null;
        if (res.status === 401 && !renewedAfter401) {
          // The token expired or IMDS forgot it (instance stop/start): one new token, one retry.
          renewedAfter401 = true;
          if (this.token === token) this.token = undefined;
          attempt -= 1;
          continue;
        }
        if (res.status === 401) throw this.badResponse(path, 'rejected a freshly issued session token (401)');
        if (res.status === 403) throw this.forbidden();
        if (res.status >= 500) throw new Transient(`${res.status} on GET ${path}`);
        throw this.badResponse(path, `answered HTTP ${res.status}`);
      } catch (err) {
        if (!(err instanceof Transient)) throw err;
        lastFailure = err.message;
      }
      const remaining = deadline - this.clock.monotonic();
      if (remaining <= 0) throw this.unreachable(path, attempt + 1, lastFailure);
      const delay = Math.min(backoffDelay(attempt, this.backoff), remaining);
      this.log?.debug({ endpoint: this.endpoint, path, attempt: attempt + 1, delayMs: delay, failure: lastFailure }, 'IMDS retry');
      await this.clock.sleep(delay);
      if (this.clock.monotonic() >= deadline) throw this.unreachable(path, attempt + 1, lastFailure);
    }
  }

  /** The shared session token: one PUT for all concurrent callers, renewed shortly before expiry. */
  private sessionToken(deadline: number): Promise<Token> {
    const current = this.token;
    if (current && this.clock.monotonic() < current.renewAt) return Promise.resolve(current);
    this.tokenRequest ??= this.fetchToken(deadline).finally(() => {
      this.tokenRequest = undefined;
    });
    return this.tokenRequest;
  }

  private async fetchToken(deadline: number): Promise<Token> {
    const res = await this.send('PUT', 'api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': String(this.ttlSeconds) }, deadline);
    if (res.status === 200 && res.body.length > 0) {
      // Renew a minute early (a tenth of the TTL for short TTLs): a token must never expire in flight.
      const margin = Math.min(60_000, (this.ttlSeconds * 1000) / 10);
      const token = { value: res.body.trim(), renewAt: this.clock.monotonic() + this.ttlSeconds * 1000 - margin };
      this.token = token;
      return token;
    }
    if (res.status === 403) throw this.forbidden();
    if (res.status >= 500) throw new Transient(`${res.status} on PUT api/token`);
    if (res.status === 404 || res.status === 405) {
      throw this.badResponse('api/token', `answered HTTP ${res.status} to the token request: it does not speak IMDSv2 (IMDSv1 is never used)`);
    }
    throw this.badResponse('api/token', `answered HTTP ${res.status} to the token request`);
  }

  private async send(method: string, path: string, headers: Record<string, string>, deadline: number): Promise<HttpResponse> {
    const url = `${this.endpoint}/latest/${encodePath(path)}`;
    const timeoutMs = Math.max(1, Math.min(this.requestTimeoutMs, deadline - this.clock.monotonic()));
    try {
      return await this.http.request({ method, url, headers, timeoutMs, maxBytes: this.maxBytes });
    } catch (err) {
      if (err instanceof HttpError && (err.kind === 'timeout' || err.kind === 'connect' || err.kind === 'reset')) {
        throw new Transient(`${err.kind} on ${method} ${path}: ${err.message}`);
      }
      if (err instanceof HttpError && err.kind === 'too-large') {
        throw this.badResponse(path, `sent more than ${this.maxBytes} bytes`, err);
      }
      throw err;
    }
  }

  private forbidden(): HashinodeError {
    return new HashinodeError(
      'HN_E_IMDS_FORBIDDEN',
      `IMDS is disabled or blocked for this instance (403 from ${this.endpoint}); enable it with HttpEndpoint=enabled and HttpTokens=required`,
      { details: { endpoint: this.endpoint } },
    );
  }

  private unreachable(path: string, attempts: number, last: string): HashinodeError {
    return new HashinodeError(
      'HN_E_IMDS_UNREACHABLE',
      `IMDS at ${this.endpoint} did not answer GET ${path} within ${this.deadlineMs} ms (${attempts} attempts; last: ${last})`,
      { details: { endpoint: this.endpoint, path, attempts } },
    );
  }

  private badResponse(path: string, what: string, cause?: unknown): HashinodeError {
    return new HashinodeError('HN_E_IMDS_BAD_RESPONSE', `IMDS at ${this.endpoint} ${what} (${path})`, {
      cause,
      details: { endpoint: this.endpoint, path },
    });
  }
}
