import type { DescribeTagsCommandOutput, EC2Client } from '@aws-sdk/client-ec2';
import type { Clock } from '../core/clock.ts';
import { HashinodeError } from '../core/errors.ts';
import type { Http } from '../core/http.ts';
import type { Log } from '../core/log.ts';
import { awsErrorCode, createEc2Client, isRetryableAwsError } from './aws-clients.ts';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';
import type { ImdsClient } from './imds.ts';

// Instance tags: from IMDS `meta-data/tags/instance` when instance metadata tags are on (no API
// call, no IAM permission, no throttling), else from EC2 DescribeTags filtered to this instance.
// DescribeTags shares the account's EC2 request budget with every booting node and Consul's
// auto-join, so it pages with the largest page and backs off on RequestLimitExceeded on our clock.

export interface InstanceTags {
  tags: Record<string, string>;
  /** Where they came from: IMDS metadata tags, or the EC2 API. */
  via: 'imds' | 'ec2';
}

/** Tags from IMDS, or null when metadata tags are not enabled on the instance (404). */
export async function readImdsTags(imds: ImdsClient): Promise<Record<string, string> | null> {
  const listing = await imds.get('meta-data/tags/instance');
  if (listing === null) return null;
  const keys = listing
    .split('\n')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const tags: Record<string, string> = {};
  // A handful at a time: IMDS throttles per-instance bursts, and most instances have few tags.
  for (let i = 0; i < keys.length; i += 8) {
    const batch = keys.slice(i, i + 8);
    const values = await Promise.all(batch.map((k) => imds.get(`meta-data/tags/instance/${k}`)));
    batch.forEach((k, j) => {
      // A tag removed between the listing and the read is simply gone.
      if (values[j] !== null) tags[k] = values[j]!;
    });
  }
  return tags;
}

export interface DescribeTagsOptions {
  instanceId: string;
  region: string;
  awsEndpoint?: string;
  imdsEndpoint?: string;
  clock: Clock;
  http?: Http;
  log?: Log;
  /** Overall time for all pages and retries (default 60 s). */
  deadlineMs?: number;
  backoff?: BackoffPolicy;
  /** A client to use instead of building one (tests). */
  client?: EC2Client;
}

const DESCRIBE_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 20_000 };

/** All tags of the instance through EC2 DescribeTags (resource-id filter, every page). */
export async function describeInstanceTags(opts: DescribeTagsOptions): Promise<Record<string, string>> {
  const client =
    opts.client ??
    (await createEc2Client({
      region: opts.region,
      endpoint: opts.awsEndpoint,
      imdsEndpoint: opts.imdsEndpoint,
      http: opts.http,
      clock: opts.clock,
      log: opts.log,
      // One attempt per SDK call: retries happen here, on the injected clock, within our deadline.
      maxAttempts: 1,
    }));
  const { DescribeTagsCommand } = await import('@aws-sdk/client-ec2');
  const deadline = opts.clock.monotonic() + (opts.deadlineMs ?? 60_000);
  const where = opts.awsEndpoint ?? `EC2 in ${opts.region}`;
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  let attempt = 0;
  try {
    // `continue` retries the same page; the loop ends after the last page.
    for (;;) {
      let page: DescribeTagsCommandOutput;
      try {
        page = await client.send(
          new DescribeTagsCommand({
            Filters: [
              { Name: 'resource-id', Values: [opts.instanceId] },
              { Name: 'resource-type', Values: ['instance'] },
            ],
            MaxResults: 1000,
            NextToken: nextToken,
          }),
        );
      } catch (err) {
        if (err instanceof HashinodeError) throw err;
        const code = awsErrorCode(err) ?? 'error';
        const message = `DescribeTags for ${opts.instanceId} at ${where} failed: ${code}: ${(err as Error).message}`;
        if (!isRetryableAwsError(err)) throw new HashinodeError('HN_E_AWS_API', message, { cause: err, details: { code } });
        const remaining = deadline - opts.clock.monotonic();
        if (remaining <= 0) {
          throw new HashinodeError('HN_E_AWS_API', `${message} (still failing after ${attempt + 1} attempts)`, { cause: err, details: { code } });
        }
        const delay = Math.min(backoffDelay(attempt, opts.backoff ?? DESCRIBE_BACKOFF), remaining);
        opts.log?.warn({ code, attempt: attempt + 1, delayMs: delay }, 'DescribeTags throttled or failed; backing off');
        attempt += 1;
        await opts.clock.sleep(delay);
        continue;
      }
      for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
      nextToken = page.NextToken || undefined;
      if (nextToken === undefined) break;
    }
  } finally {
    if (!opts.client) client.destroy();
  }
  return tags;
}

/** Instance tags from IMDS, falling back to DescribeTags when metadata tags are off. */
export async function readInstanceTags(imds: ImdsClient, opts: DescribeTagsOptions): Promise<InstanceTags> {
  const fromImds = await readImdsTags(imds);
  if (fromImds !== null) return { tags: fromImds, via: 'imds' };
  opts.log?.info({ instanceId: opts.instanceId }, 'instance metadata tags are off; reading tags with DescribeTags');
  return { tags: await describeInstanceTags(opts), via: 'ec2' };
}
