import type { Deps } from '../core/deps.ts';

// What a command module exports. main.ts owns argv parsing, help and exit codes; a command only
// declares its flags and turns parsed values into an exit code, printing through ctx.

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** Placeholder shown in help, e.g. DIR. */
  value?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface Output {
  write(text: string): void;
}

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  stdout: Output;
  stderr: Output;
  /** True when output goes to a person (a TTY, or --human). */
  human: boolean;
  json: boolean;
  env: NodeJS.ProcessEnv;
  /** Built on first use (and loaded lazily), so commands that need none of them start fast. */
  deps(): Promise<Deps>;
  /** Aborted on SIGTERM / SIGINT. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage lines after `hashinode <name>`, e.g. `[--json] FILE`. */
  usage: string[];
  options: Record<string, OptionSpec>;
  /** Longer help text printed under the usage. */
  details?: string;
  /**
   * Where the JSON log goes. The agent's long-running work (bootstrap, phase) logs to stdout for
   * journald; every other command prints data on stdout, so its log goes to stderr and the data
   * stays parseable.
   */
  logTo?: 'stdout' | 'stderr';
  /** Whether positionals are accepted (default false). */
  positionals?: boolean;
  run(ctx: CommandContext): Promise<number>;
}

export function stringOpt(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolOpt(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

export function listOpt(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}
