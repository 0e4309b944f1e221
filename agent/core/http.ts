import http from 'node:http';
import https from 'node:https';

// A narrow HTTP seam: callers (IMDS, Consul, Nomad, Vault) get status + body or a transport error
// with a kind they can decide on (retry a reset, fail on too-large). Endpoints are always injected,
// so tests point the same code at real servers on 127.0.0.1:0.

export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whole-request timeout, from connect to last byte. */
  timeoutMs?: number;
  /** Larger bodies are an error, not an out-of-memory. */
  maxBytes?: number;
  tls?: TlsOptions;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type HttpErrorKind = 'timeout' | 'connect' | 'reset' | 'too-large' | 'aborted';

export class HttpError extends Error {
  readonly kind: HttpErrorKind;
  readonly url: string;
  constructor(kind: HttpErrorKind, url: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'HttpError';
    this.kind = kind;
    this.url = url;
  }
}

export interface Http {
  request(req: HttpRequest): Promise<HttpResponse>;
}

const DEFAULT_MAX = 8 * 1024 * 1024;

export const nodeHttp: Http = {
  request(req) {
    const url = new URL(req.url);
    const isHttps = url.protocol === 'https:';
    const maxBytes = req.maxBytes ?? DEFAULT_MAX;
    const timeoutMs = req.timeoutMs ?? 10_000;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (err: HttpError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(err);
      };
      const options: https.RequestOptions = {
        method: req.method,
        headers: req.headers,
        agent: false,
        ...(isHttps ? { ca: req.tls?.ca, cert: req.tls?.cert, key: req.tls?.key, servername: req.tls?.servername } : {}),
      };
      const request = (isHttps ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(new HttpError('too-large', req.url, `${req.method} ${req.url}: response larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => fail(new HttpError('reset', req.url, `${req.method} ${req.url}: ${err.message}`, err)));
      });
      const timer = setTimeout(
        () => fail(new HttpError('timeout', req.url, `${req.method} ${req.url}: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      request.on('error', (err: NodeJS.ErrnoException) => {
        const kind: HttpErrorKind = err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : 'connect';
        fail(new HttpError(kind, req.url, `${req.method} ${req.url}: ${err.code ?? err.message}`, err));
      });
      if (req.signal) {
        if (req.signal.aborted) fail(new HttpError('aborted', req.url, `${req.method} ${req.url}: aborted`));
        req.signal.addEventListener('abort', () => fail(new HttpError('aborted', req.url, `${req.method} ${req.url}: aborted`)), {
          once: true,
        });
      }
      request.end(req.body);
    });
  },
};
