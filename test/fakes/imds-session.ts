import { nodeHttp } from '../../agent/core/http.ts';

// Raw IMDSv2 calls for tests that check the fake's protocol itself (the agent uses ImdsClient).

export async function imdsToken(url: string, ttl = '21600', headers: Record<string, string> = {}) {
  return nodeHttp.request({
    method: 'PUT',
    url: `${url}/latest/api/token`,
    headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl, ...headers },
    timeoutMs: 5000,
  });
}

export async function imdsGet(url: string, path: string, token?: string) {
  return nodeHttp.request({
    method: 'GET',
    url: `${url}/latest/${path}`,
    headers: token === undefined ? {} : { 'x-aws-ec2-metadata-token': token },
    timeoutMs: 5000,
  });
}

/** A token from the fake, then GET `path` with it: the body, or the status as `HTTP n`. */
export async function imdsRead(url: string, path: string): Promise<string> {
  const token = (await imdsToken(url)).body;
  const res = await imdsGet(url, path, token);
  return res.status === 200 ? res.body : `HTTP ${res.status}`;
}
