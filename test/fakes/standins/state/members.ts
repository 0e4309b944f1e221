import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pidAlive, readJson, writeJsonAtomic } from './files.ts';

// Every running stand-in records itself under `<state>/<product>/members/<name>.json`: this is how
// peers "reach" each other. A record counts only while its process lives and its heartbeat is fresh.

export interface MemberRecord {
  name: string;
  /** The address peers dial: the agent's bind/advertise address (a 127.x loopback in the simulation). */
  ip: string;
  /** RPC port, for `/v1/status/leader` answers (`ip:port`). */
  rpcPort: number;
  server: boolean;
  /** Consul datacenter or Nomad region: gossip pools never span two. */
  dc: string;
  pid: number;
  startedAt: number;
  heartbeat: number;
  /** sha256 of the gossip key (never the key), or null when gossip encryption is off. */
  keyHash: string | null;
  /** bootstrap_expect (1 for `bootstrap = true`, 0 on clients and servers without it). */
  expect: number;
  /** Names of members this one has joined (gossip is symmetric, so these are undirected edges). */
  joined: string[];
  left: boolean;
  /** Base URL of the HTTP API, for people reading the state directory. */
  http: string;
  meta?: Record<string, string>;
  /** Nomad clients talk RPC to servers and are not in the servers' gossip: no key check for them. */
  rpcOnly?: boolean;
}

export const HEARTBEAT_MS = 400;
const STALE_MS = 15_000;

export function membersDir(stateDir: string, product: string): string {
  return path.join(stateDir, product, 'members');
}

export function writeMember(stateDir: string, product: string, rec: MemberRecord): void {
  writeJsonAtomic(path.join(membersDir(stateDir, product), `${rec.name}.json`), rec);
}

export function readMembers(stateDir: string, product: string): MemberRecord[] {
  const dir = membersDir(stateDir, product);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: MemberRecord[] = [];
  for (const n of names) {
    const rec = readJson<MemberRecord>(path.join(dir, n));
    if (rec) out.push(rec);
  }
  return out;
}

export function isAlive(rec: MemberRecord, now = Date.now(), alive: (pid: number) => boolean = pidAlive): boolean {
  return !rec.left && now - rec.heartbeat < STALE_MS && alive(rec.pid);
}
