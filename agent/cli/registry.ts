import type { Command } from './command.ts';

// One line per command. Summaries live here so `hashinode --help` lists every command without
// loading any of them; each module is imported only when its command runs (start-up stays cheap).

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<{ command: Command }>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'version', summary: 'Print the version, Node version, platform and build kind', load: () => import('./version.ts') },
];
