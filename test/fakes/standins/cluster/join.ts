// retry_join entries as go-discover reads them: a plain address (`10.0.0.5`, `10.0.0.5:8301`, a
// host name), or `provider=aws tag_key=K tag_value=V [region=R] [addr_type=private_v4]`, which makes
// one EC2 DescribeInstances call filtered by the tag and by instance-state-name=running and yields
// the private IPv4 addresses. The endpoint comes from AWS_ENDPOINT_URL_EC2, as the SDK reads it.

export type JoinTarget = { kind: 'addr'; host: string } | { kind: 'aws'; tagKey: string; tagValue: string; region?: string; addrType: string };

export function parseJoinEntry(entry: string): JoinTarget {
  const trimmed = entry.trim();
  if (!trimmed.includes('provider=')) {
    const host = trimmed.startsWith('[') ? trimmed.slice(1, trimmed.indexOf(']')) : trimmed.split(':')[0]!;
    return { kind: 'addr', host };
  }
  const kv: Record<string, string> = {};
  for (const part of trimmed.split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`discover: invalid format: ${part}`);
    kv[part.slice(0, eq)] = part.slice(eq + 1);
  }
  if (kv['provider'] !== 'aws') throw new Error(`discover: unknown provider ${kv['provider']}`);
  if (!kv['tag_key'] || !kv['tag_value']) throw new Error('discover-aws: tag_key and tag_value are required');
  const addrType = kv['addr_type'] ?? 'private_v4';
  if (!['private_v4', 'public_v4', 'public_v6'].includes(addrType)) throw new Error(`discover-aws: unsupported addr_type ${addrType}`);
  return { kind: 'aws', tagKey: kv['tag_key'], tagValue: kv['tag_value'], region: kv['region'], addrType };
}

export interface AwsEnv {
  endpoint?: string;
  region?: string;
}

/** Resolves one entry to addresses; throws with go-discover's style of message on failure. */
export async function resolveJoinEntry(entry: string, env: AwsEnv): Promise<string[]> {
  const target = parseJoinEntry(entry);
  if (target.kind === 'addr') return [target.host];
  const region = target.region ?? env.region;
  if (!region) throw new Error('discover-aws: No region given and AWS_REGION is not set');
  const { EC2Client, DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
  const client = new EC2Client({ region, ...(env.endpoint ? { endpoint: env.endpoint } : {}), maxAttempts: 3 });
  try {
    const ips: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${target.tagKey}`, Values: [target.tagValue] },
            { Name: 'instance-state-name', Values: ['running'] },
          ],
          NextToken: nextToken,
        }),
      );
      for (const r of out.Reservations ?? []) {
        for (const i of r.Instances ?? []) {
          const ip = target.addrType === 'public_v4' ? i.PublicIpAddress : i.PrivateIpAddress;
          if (ip) ips.push(ip);
        }
      }
      nextToken = out.NextToken;
    } while (nextToken);
    return ips;
  } catch (err) {
    throw new Error(`discover-aws: DescribeInstancesInput failed: ${(err as Error).message}`);
  } finally {
    client.destroy();
  }
}
