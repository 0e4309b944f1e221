import type http from 'node:http';
import { listen } from './net/serve.ts';
import type { AgentLog } from './log.ts';
import { isAlive, type MemberRecord, readMembers } from './state/members.ts';

// Pieces every stand-in agent shares: where the shared state lives, the node-name clash check,
// binding listeners with the agents' error text, and the AWS settings retry_join uses.

export function stateDirFor(env: NodeJS.ProcessEnv, dataDir: string): string {
  return env['HASHINODE_SIM_STATE_DIR'] || `${dataDir}/sim-state`;
}

export function retryIntervalMs(configured: number | undefined, env: NodeJS.ProcessEnv): number {
  // The real default is 30 s; the simulation retries every second unless the config says otherwise.
  return configured ?? (Number(env['HASHINODE_SIM_RETRY_INTERVAL_MS']) || 1000);
}

export function awsEnv(env: NodeJS.ProcessEnv): { endpoint?: string; region?: string } {
  return { endpoint: env['AWS_ENDPOINT_URL_EC2'] || env['AWS_ENDPOINT_URL'] || undefined, region: env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] };
}

/** Another live process already registered under this name (serf would refuse the second one). */
export function nameClash(stateDir: string, product: string, name: string): MemberRecord | undefined {
  return readMembers(stateDir, product).find((m) => m.name === name && m.pid !== process.pid && isAlive(m));
}

export async function bindAll(servers: { server: http.Server; host: string; port: number; label: string }[], log: AgentLog): Promise<void> {
  for (const s of servers) {
    try {
      await listen(s.server, s.host, s.port);
      log.line('INFO', 'agent', `Started ${s.label} server: address=${s.host}:${s.port} network=tcp`);
    } catch (err) {
      throw new Error(`listen tcp ${s.host}:${s.port}: bind: ${(err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'address already in use' : (err as Error).message}`);
    }
  }
}
