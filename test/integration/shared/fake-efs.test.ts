import { afterEach, describe, expect, it } from 'vitest';
import { type FakeEfs, startFakeEfs } from '../../fakes/efs.ts';

// The fake's wire format, as the real EFS sends it (the SDK-level behaviour is in efs-discover.test.ts).
const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/elasticfilesystem/aws4_request, SignedHeaders=host, Signature=00' };
let fake: FakeEfs;
afterEach(() => fake.close());

const get = async (path: string, headers: Record<string, string> = SIGNED) => {
  const r = await fetch(`${fake.url}${path}`, { headers });
  return { status: r.status, type: r.headers.get('x-amzn-errortype'), body: (await r.json()) as Record<string, unknown> };
};

describe('fake EFS wire format', () => {
  it.each([
    ['/2015-02-01/file-systems', {}, 403, 'IncompleteSignatureException'],
    ['/2015-02-01/file-systems?FileSystemId=fs-0000000000000009', SIGNED, 404, 'FileSystemNotFound'],
    ['/2015-02-01/mount-targets', SIGNED, 400, 'BadRequest'],
    ['/2015-02-01/file-systems?MaxItems=0', SIGNED, 400, 'BadRequest'],
  ])('%s -> %i %s with x-amzn-ErrorType and {ErrorCode, Message}', async (path, headers, status, code) => {
    fake = await startFakeEfs({ fileSystems: [] });
    const r = await get(path, headers);
    expect(r.status).toBe(status);
    expect(r.type).toBe(code);
    expect(r.body).toMatchObject({ ErrorCode: code, Message: expect.any(String) });
  });

  it('throttles with 429 ThrottlingException, then answers; tags inline; NextMarker paging', async () => {
    fake = await startFakeEfs({
      fileSystems: ['a', 'b', 'c'].map((x, i) => ({ fileSystemId: `fs-000000000000000${i}`, lifeCycleState: 'available', tags: { k: x }, mountTargets: [] })),
    });
    fake.throttle(1);
    expect((await get('/2015-02-01/file-systems')).status).toBe(429);
    const first = await get('/2015-02-01/file-systems?MaxItems=2');
    expect((first.body.FileSystems as unknown[]).length).toBe(2);
    expect((first.body.FileSystems as { Tags: unknown }[])[0]!.Tags).toEqual([{ Key: 'k', Value: 'a' }]);
    const second = await get(`/2015-02-01/file-systems?MaxItems=2&Marker=${first.body.NextMarker}`);
    expect((second.body.FileSystems as { FileSystemId: string }[]).map((f) => f.FileSystemId)).toEqual(['fs-0000000000000002']);
    expect(second.body.NextMarker).toBeUndefined();
    expect(second.body.Marker).toBe(first.body.NextMarker);
    fake.setState('fs-0000000000000002', 'creating');
    const again = await get('/2015-02-01/file-systems?FileSystemId=fs-0000000000000002');
    expect((again.body.FileSystems as { LifeCycleState: string }[])[0]!.LifeCycleState).toBe('creating');
  });
});
