import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { readFileFresh, replaceFile } from './atomic.ts';

// The on-disk shapes of the election: the lease file `first-server` (who holds the lease and its
// heartbeat) and the claim files `first-server.term-<N>` (who won term N). Reads go through open()
// so NFS revalidates; nothing here judges liveness (see lease-judge.ts).

export interface LeaseRecord {
  holder: string;
  ip: string;
  term: number;
  /** Bumped by the holder every leaseMs/3; the only liveness signal others trust. */
  heartbeat: number;
  leaseMs: number;
  /** Wall-clock ISO time the term began: for people, never for decisions. */
  since: string;
  /** Set on a clean release: the next contender may take over at once. */
  released?: boolean;
}

export interface ClaimRecord {
  holder: string;
  ip: string;
  term: number;
  since: string;
}

export interface LeaseSnapshot {
  /** The lease file exists (even when its content is unreadable). */
  exists: boolean;
  /** The lease file's bytes ('' when missing): any change of them is a sign of life. */
  raw: string;
  /** Parsed content, or null when missing or corrupt. */
  record: LeaseRecord | null;
  /** Why the content is unusable, when it exists but does not parse. */
  corrupt: string | null;
  /** Highest N among `first-server.term-N` claim files (0 when none). */
  maxClaim: number;
  /** Content of that highest claim file, when readable. */
  claim: ClaimRecord | null;
}

export const LEASE_NAME = 'first-server';

export function electionDir(clusterDirectory: string): string {
  return path.join(clusterDirectory, 'election');
}

export function claimFileName(term: number): string {
  return `${LEASE_NAME}.term-${term}`;
}

const CLAIM_RE = /^first-server\.term-(\d+)$/;

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Parses lease content; returns the reason instead of throwing, since corruption is a state, not a crash. */
export function parseLease(raw: string): { record: LeaseRecord } | { corrupt: string } {
  if (raw.trim() === '') return { corrupt: 'empty' };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return { corrupt: `not JSON (${(err as Error).message})` };
  }
  const v = value as Partial<LeaseRecord> | null;
  if (!v || typeof v !== 'object') return { corrupt: 'not an object' };
  if (typeof v.holder !== 'string' || v.holder === '') return { corrupt: 'no holder' };
  if (!isPositiveInt(v.term) || v.term < 1) return { corrupt: 'no valid term' };
  if (!isPositiveInt(v.heartbeat)) return { corrupt: 'no valid heartbeat' };
  if (!isPositiveInt(v.leaseMs) || v.leaseMs < 1) return { corrupt: 'no valid leaseMs' };
  return {
    record: {
      holder: v.holder,
      ip: typeof v.ip === 'string' ? v.ip : '',
      term: v.term,
      heartbeat: v.heartbeat,
      leaseMs: v.leaseMs,
      since: typeof v.since === 'string' ? v.since : '',
      ...(v.released === true ? { released: true } : {}),
    },
  };
}

export function serializeLease(record: LeaseRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export function parseClaim(raw: string): ClaimRecord | null {
  try {
    const v = JSON.parse(raw) as Partial<ClaimRecord>;
    if (typeof v.holder !== 'string' || !isPositiveInt(v.term)) return null;
    return { holder: v.holder, ip: typeof v.ip === 'string' ? v.ip : '', term: v.term, since: typeof v.since === 'string' ? v.since : '' };
  } catch {
    return null;
  }
}

/** The term in force: claims are the authority, a lease file that exists means at least term 1. */
export function currentTerm(s: Pick<LeaseSnapshot, 'exists' | 'record' | 'maxClaim'>): number {
  return Math.max(s.maxClaim, s.record?.term ?? 0, s.exists ? 1 : 0);
}

/** Who holds the current term, as far as the files say (null while a new holder has not written yet). */
export function currentHolder(s: LeaseSnapshot): string | null {
  const term = currentTerm(s);
  if (s.record && s.record.term === term) return s.record.holder;
  if (s.claim && s.claim.term === term) return s.claim.holder;
  return null;
}

export async function readSnapshot(dir: string): Promise<LeaseSnapshot> {
  const [buf, names] = await Promise.all([readFileFresh(path.join(dir, LEASE_NAME)), readdir(dir)]);
  let maxClaim = 0;
  for (const name of names) {
    const m = CLAIM_RE.exec(name);
    if (m) maxClaim = Math.max(maxClaim, Number(m[1]));
  }
  let claim: ClaimRecord | null = null;
  if (maxClaim > 0) {
    const c = await readFileFresh(path.join(dir, claimFileName(maxClaim)));
    claim = c ? parseClaim(c.toString('utf8')) : null;
  }
  const raw = buf ? buf.toString('utf8') : '';
  if (!buf) return { exists: false, raw, record: null, corrupt: null, maxClaim, claim };
  const parsed = parseLease(raw);
  return 'record' in parsed
    ? { exists: true, raw, record: parsed.record, corrupt: null, maxClaim, claim }
    : { exists: true, raw, record: null, corrupt: parsed.corrupt, maxClaim, claim };
}

/** O_EXCL create (atomic across NFS clients). False when someone else created it first. */
export async function createExclusive(file: string, content: string): Promise<boolean> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

export async function writeLease(dir: string, record: LeaseRecord): Promise<void> {
  await replaceFile(path.join(dir, LEASE_NAME), serializeLease(record), 0o644);
}
