import { HashinodeError } from '../core/errors.ts';

// What the CA holder asks EC2 about a requester: is it running, in this cluster, and which roles
// did the operator tag it with. AWS's tags are the authority, never the roles a request claims.

export interface InstanceRecord {
  instanceId: string;
  state: string;
  tags: Record<string, string>;
  privateIp?: string;
}

export interface InstanceDirectory {
  /** The instance as EC2 sees it, or null when EC2 does not know the id. */
  describe(instanceId: string): Promise<InstanceRecord | null>;
}

/** The narrow part of the SDK v3 EC2 client this needs. */
export interface Ec2Sender {
  send(command: unknown): Promise<unknown>;
}

interface DescribeOutput {
  Reservations?: { Instances?: { InstanceId?: string; State?: { Name?: string }; Tags?: { Key?: string; Value?: string }[]; PrivateIpAddress?: string }[] }[];
}

/**
 * DescribeInstances by id. The client comes from a factory (agent/node/aws-clients.ts
 * createEc2Client), created on first use so a holder that never gets a request never loads the SDK.
 */
export function ec2InstanceDirectory(client: () => Promise<Ec2Sender>): InstanceDirectory {
  let cached: Promise<Ec2Sender> | undefined;
  return {
    async describe(instanceId) {
      cached ??= client();
      const ec2 = await cached;
      const { DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
      let out: DescribeOutput;
      try {
        out = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))) as DescribeOutput;
      } catch (err) {
        const name = (err as { Code?: string; name?: string }).Code ?? (err as { name?: string }).name ?? '';
        // EC2 answers an unknown (or long-gone) id with an error, not an empty list.
        if (name === 'InvalidInstanceID.NotFound' || name === 'InvalidInstanceID.Malformed') return null;
        throw new HashinodeError('HN_E_AWS_API', `DescribeInstances ${instanceId} failed: ${(err as Error).message}`, { cause: err });
      }
      const inst = out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
      if (!inst) return null;
      const tags: Record<string, string> = {};
      for (const t of inst.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
      return {
        instanceId,
        state: inst.State?.Name ?? 'unknown',
        tags,
        ...(inst.PrivateIpAddress ? { privateIp: inst.PrivateIpAddress } : {}),
      };
    },
  };
}

/** An in-memory directory (tests, the local simulation). */
export function staticInstanceDirectory(records: InstanceRecord[]): InstanceDirectory & { records: InstanceRecord[] } {
  return {
    records,
    async describe(instanceId) {
      return records.find((r) => r.instanceId === instanceId) ?? null;
    },
  };
}
