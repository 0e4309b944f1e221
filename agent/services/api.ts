import { HashinodeError } from '../core/errors.ts';
import type { Http, HttpResponse, TlsOptions } from '../core/http.ts';

// The one place Consul/Nomad/Vault HTTP calls go through: every failure becomes HN_E_SERVICE_API
// naming the service, method and endpoint (never the token), so an operator can replay it with curl.

export interface ApiEndpoint {
  /** e.g. `http://127.0.0.1:8500` or `https://127.0.0.1:8501`. */
  address: string;
  http: Http;
  tls?: TlsOptions;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type ServiceName = 'consul' | 'nomad' | 'vault';

const TOKEN_HEADER: Record<ServiceName, string> = { consul: 'X-Consul-Token', nomad: 'X-Nomad-Token', vault: 'X-Vault-Token' };

export interface CallOptions {
  body?: unknown;
  token?: string;
  /** Statuses returned to the caller instead of thrown (besides 2xx). */
  accept?: readonly number[];
}

export async function call(service: ServiceName, ep: ApiEndpoint, method: string, path: string, opts: CallOptions = {}): Promise<HttpResponse> {
  const url = `${ep.address.replace(/\/$/, '')}${path}`;
  const headers: Record<string, string> = {};
  if (opts.token) headers[TOKEN_HEADER[service]] = opts.token;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: HttpResponse;
  try {
    res = await ep.http.request({
      method,
      url,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      timeoutMs: ep.timeoutMs ?? 10_000,
      ...(ep.tls ? { tls: ep.tls } : {}),
      ...(ep.signal ? { signal: ep.signal } : {}),
    });
  } catch (err) {
    throw new HashinodeError('HN_E_SERVICE_API', `${service} ${method} ${url}: ${(err as Error).message}`, {
      cause: err,
      details: { service, method, url, kind: (err as { kind?: string }).kind },
    });
  }
  if ((res.status >= 200 && res.status < 300) || opts.accept?.includes(res.status)) return res;
  throw apiError(service, method, url, res);
}

export function apiError(service: ServiceName, method: string, url: string, res: HttpResponse): HashinodeError {
  return new HashinodeError('HN_E_SERVICE_API', `${service} ${method} ${url} answered ${res.status}: ${res.body.trim().slice(0, 300)}`, {
    details: { service, method, url, status: res.status },
  });
}

export function parseJson<T>(service: ServiceName, url: string, body: string): T {
  try {
    return JSON.parse(body) as T;
  } catch (err) {
    throw new HashinodeError('HN_E_SERVICE_API', `${service} ${url}: the answer is not JSON: ${body.slice(0, 120)}`, { cause: err });
  }
}

/** True when a connection-level failure (nothing listening yet), not an HTTP answer. */
export function isUnreachable(err: unknown): boolean {
  const kind = (err as HashinodeError)?.details?.kind;
  return kind === 'connect' || kind === 'reset' || kind === 'timeout';
}
