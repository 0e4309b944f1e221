import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EFSClient } from '@aws-sdk/client-efs';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { type Clock, systemClock } from '../core/clock.ts';
import { HashinodeError } from '../core/errors.ts';
import { type Http, nodeHttp } from '../core/http.ts';
import type { Log } from '../core/log.ts';
import { DEFAULT_IMDS_ENDPOINT, ImdsClient } from './imds.ts';

// The AWS SDK clients hashinode uses, built one way: region always explicit (from IMDS, never from a
// config file that may not exist on a fresh instance), an endpoint override for tests and the demo,
// and credentials from the environment or else the instance profile read through our own IMDSv2
// client. The SDK's own instance-metadata provider is not used: it can fall back to IMDSv1, and its
// endpoint comes only from process-wide settings, while ours is the same injected endpoint every
// other IMDS read uses. The SDK modules are imported on first use (they cost ~200 ms to load).

export interface AwsClientOptions {
  region: string;
  /** Endpoint override for every AWS client (`--aws-endpoint`): tests and the local demo. */
  endpoint?: string;
  /** IMDS base URL the instance-profile credentials come from (default http://169.254.169.254). */
  imdsEndpoint?: string;
  /** SDK attempts per call with standard retry and backoff (default 3); 1 = the caller retries. */
  maxAttempts?: number;
  /** Static credentials (tests); skip the chain. */
  credentials?: AwsCredentialIdentity;
  http?: Http;
  clock?: Clock;
  log?: Log;
}

interface ImdsRoleCredentials {
  Code?: string;
  AccessKeyId?: string;
  SecretAccessKey?: string;
  Token?: string;
  Expiration?: string;
}

/** Role credentials of the instance profile, read with IMDSv2 from `endpoint`. */
export function imdsRoleCredentials(imds: ImdsClient): AwsCredentialIdentityProvider {
  return async () => {
    const roles = await imds.get('meta-data/iam/security-credentials/');
    const role = roles?.split('\n')[0]?.trim();
    if (!role) {
      throw new HashinodeError(
        'HN_E_AWS_API',
        `no AWS credentials: AWS_ACCESS_KEY_ID is not set and the instance has no IAM instance profile (IMDS ${imds.endpoint} has no iam/security-credentials/)`,
      );
    }
    const text = await imds.get(`meta-data/iam/security-credentials/${role}`);
    let c: ImdsRoleCredentials;
    try {
      c = JSON.parse(text ?? '') as ImdsRoleCredentials;
    } catch (err) {
      throw new HashinodeError('HN_E_IMDS_BAD_RESPONSE', `IMDS ${imds.endpoint} sent role credentials for ${role} that are not JSON`, { cause: err });
    }
    if (c.Code !== 'Success' || !c.AccessKeyId || !c.SecretAccessKey) {
      throw new HashinodeError('HN_E_AWS_API', `IMDS ${imds.endpoint} has no usable credentials for role ${role} (Code ${c.Code ?? 'missing'})`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.Token ? { sessionToken: c.Token } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  };
}

/** Environment credentials when set (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), else the instance profile. */
export function credentialChain(opts: AwsClientOptions): AwsCredentialIdentityProvider {
  const imds = new ImdsClient({
    endpoint: opts.imdsEndpoint ?? DEFAULT_IMDS_ENDPOINT,
    http: opts.http ?? nodeHttp,
    clock: opts.clock ?? systemClock,
    log: opts.log,
  });
  const fromImds = imdsRoleCredentials(imds);
  return async () => {
    // Read at each resolution, as the SDK's environment provider does.
    const env = process.env;
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      return {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
      };
    }
    return fromImds();
  };
}

function clientConfig(opts: AwsClientOptions) {
  return {
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    credentials: opts.credentials ?? credentialChain(opts),
    retryMode: 'standard',
    maxAttempts: opts.maxAttempts ?? 3,
  };
}

export async function createEc2Client(opts: AwsClientOptions): Promise<EC2Client> {
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  return new EC2Client(clientConfig(opts));
}

export async function createEfsClient(opts: AwsClientOptions): Promise<EFSClient> {
  const { EFSClient } = await import('@aws-sdk/client-efs');
  return new EFSClient(clientConfig(opts));
}

/** An AWS SDK error's service code (RequestLimitExceeded, AuthFailure, ...), if it has one. */
export function awsErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { Code?: unknown; code?: unknown; name?: unknown };
  if (typeof e.Code === 'string') return e.Code;
  if (typeof e.code === 'string') return e.code; // Node network errors: ECONNREFUSED, ...
  return typeof e.name === 'string' ? e.name : undefined;
}

const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'RequestThrottled', 'TooManyRequestsException']);
const TRANSIENT_NETWORK = new Set(['TimeoutError', 'RequestTimeout', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Whether an AWS call failed in a way that backing off and retrying can fix. */
export function isRetryableAwsError(err: unknown): boolean {
  if (err instanceof HashinodeError) return false;
  const code = awsErrorCode(err);
  if (code && (THROTTLING.has(code) || TRANSIENT_NETWORK.has(code))) return true;
  const e = err as { $metadata?: { httpStatusCode?: number }; code?: string };
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  return typeof e?.code === 'string' && TRANSIENT_NETWORK.has(e.code);
}
