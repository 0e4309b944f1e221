import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

// One request handler served on plain HTTP and, when TLS is configured, on HTTPS with the
// configured CA/cert/key; `requireClientCert` makes the TLS handshake demand a certificate signed
// by that CA (verify_incoming / verify_https_client / tls_require_and_verify_client_cert).

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  tls: boolean;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  /** Plain-text body (the agents answer errors as text/plain). */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: ApiRequest) => Promise<ApiResponse> | ApiResponse;

export interface TlsFiles {
  caFile?: string;
  certFile: string;
  keyFile: string;
  requireClientCert: boolean;
}

function listener(handler: Handler, isTls: boolean): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const apiReq: ApiRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        tls: isTls,
      };
      Promise.resolve()
        .then(() => handler(apiReq))
        .catch((err: unknown): ApiResponse =>
          // A body that is not JSON is the caller's error, as the agents answer it.
          err instanceof SyntaxError ? { status: 400, text: `Request decode failed: ${err.message}` } : { status: 500, text: (err as Error).message },
        )
        .then((out) => {
          const headers: Record<string, string> = { ...(out.headers ?? {}) };
          let payload = '';
          if (out.text !== undefined) {
            payload = out.text;
            headers['content-type'] ??= 'text/plain; charset=utf-8';
          } else if (out.body !== undefined) {
            payload = JSON.stringify(out.body);
            headers['content-type'] ??= 'application/json';
          }
          res.writeHead(out.status, headers);
          res.end(payload);
        });
    });
  };
}

export async function listen(server: http.Server | https.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export function httpServer(handler: Handler): http.Server {
  return http.createServer(listener(handler, false));
}

export function httpsServer(handler: Handler, tls: TlsFiles): https.Server {
  return https.createServer(
    {
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
      requestCert: tls.requireClientCert,
      rejectUnauthorized: tls.requireClientCert,
    },
    listener(handler, true),
  );
}
