import { HashinodeError } from '../core/errors.ts';
import { readOptional, writeDurable } from './durable.ts';

// What this instance has done, so a re-run (after a crash, a reboot, a failed user-data) resumes
// instead of redoing. Keyed by instance id: an AMI baked from a used instance carries the old
// journal, and a new instance id must start over (cloud-init semaphores work the same way).

export type Frequency = 'per-instance' | 'per-boot' | 'always';
export type PhaseStatus = 'running' | 'done' | 'failed';

export interface PhaseRecord {
  status: PhaseStatus;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  bootId: string;
  /** One line saying what the phase did (e.g. "bootstrapped ACLs", "joined 3 servers"). */
  summary?: string;
  error?: { code: string; message: string };
}

export interface RunRecord {
  startedAt: string;
  bootId: string;
  phases: { name: string; result: string; durationMs: number }[];
  /** CPU time (user + system) of the agent process at the end of the run. */
  cpuMs?: number;
}

export interface JournalData {
  version: 1;
  instanceId: string | null;
  phases: Record<string, PhaseRecord>;
  /** Steps inside a phase that committed something (e.g. "consul-bootstrap:acl-bootstrap"). */
  checkpoints: Record<string, string>;
  /** Units whose config changed and that must be (re)started before they are trusted. */
  pendingRestart: string[];
  runs: RunRecord[];
}

const MAX_RUNS = 20;

function empty(instanceId: string | null): JournalData {
  return { version: 1, instanceId, phases: {}, checkpoints: {}, pendingRestart: [], runs: [] };
}

export class Journal {
  readonly file: string;
  private data: JournalData;
  /** Until the instance id is known nothing is written: it may belong to another instance. */
  private bound: boolean;
  /** Phase records made before binding (identify itself): they belong to this run whatever the journal says. */
  private early: Record<string, PhaseRecord> = {};

  private constructor(file: string, data: JournalData) {
    this.file = file;
    this.data = data;
    this.bound = false;
  }

  static async load(file: string): Promise<Journal> {
    const text = await readOptional(file);
    if (text === null) return new Journal(file, empty(null));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new HashinodeError('HN_E_JOURNAL', `${file} is not valid JSON (${(err as Error).message}); move it away to start over`, {
        cause: err,
        details: { path: file },
      });
    }
    const data = parsed as Partial<JournalData>;
    if (data?.version !== 1 || typeof data.phases !== 'object' || data.phases === null) {
      throw new HashinodeError('HN_E_JOURNAL', `${file} is not a version 1 hashinode journal; move it away to start over`, {
        details: { path: file },
      });
    }
    return new Journal(file, { ...empty(data.instanceId ?? null), ...data } as JournalData);
  }

  get instanceId(): string | null {
    return this.data.instanceId;
  }

  get isBound(): boolean {
    return this.bound;
  }

  snapshot(): JournalData {
    return structuredClone(this.data);
  }

  /**
   * Ties the journal to this instance. A journal written by another instance id is discarded
   * (returns true): nothing it says is true of this machine. Records made before binding are kept.
   */
  async bindInstance(instanceId: string): Promise<boolean> {
    const reset = this.data.instanceId !== null && this.data.instanceId !== instanceId;
    if (reset) this.data = empty(instanceId);
    this.data.instanceId = instanceId;
    Object.assign(this.data.phases, this.early);
    this.early = {};
    this.bound = true;
    await this.save();
    return reset;
  }

  /** Whether a phase with this frequency has nothing left to do on this boot. */
  isDone(phase: string, frequency: Frequency, bootId: string): boolean {
    const rec = this.data.phases[phase];
    if (rec?.status !== 'done') return false;
    if (frequency === 'per-instance') return true;
    if (frequency === 'per-boot') return rec.bootId === bootId;
    return false;
  }

  record(phase: string): PhaseRecord | undefined {
    return this.data.phases[phase];
  }

  async setPhase(phase: string, rec: PhaseRecord): Promise<void> {
    this.data.phases[phase] = rec;
    if (!this.bound) this.early[phase] = rec;
    await this.save();
  }

  hasCheckpoint(name: string): boolean {
    return name in this.data.checkpoints;
  }

  async checkpoint(name: string, at: string): Promise<void> {
    if (this.hasCheckpoint(name)) return;
    this.data.checkpoints[name] = at;
    await this.save();
  }

  restartPending(unit: string): boolean {
    return this.data.pendingRestart.includes(unit);
  }

  async markRestart(unit: string): Promise<void> {
    if (this.restartPending(unit)) return;
    this.data.pendingRestart.push(unit);
    await this.save();
  }

  async clearRestart(unit: string): Promise<void> {
    if (!this.restartPending(unit)) return;
    this.data.pendingRestart = this.data.pendingRestart.filter((u) => u !== unit);
    await this.save();
  }

  async addRun(run: RunRecord): Promise<void> {
    this.data.runs = [...this.data.runs, run].slice(-MAX_RUNS);
    await this.save();
  }

  private async save(): Promise<void> {
    if (!this.bound) return;
    await writeDurable(this.file, `${JSON.stringify(this.data, null, 2)}\n`, 0o600);
  }
}
