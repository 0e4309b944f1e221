// Log lines in hclog's text format, as the real agents print them to stdout (journald):
// `2026-01-01T00:00:00.000Z [INFO]  agent: Consul agent running!`.

export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface AgentLog {
  line(level: Level, component: string, message: string): void;
  /** A banner line (`==> ...`), printed without timestamp like the agents' UI output. */
  banner(text: string): void;
}

export function stdoutLog(out: NodeJS.WritableStream = process.stdout): AgentLog {
  return {
    line(level, component, message) {
      const pad = level.length === 4 ? ' ' : '';
      out.write(`${new Date().toISOString()} [${level}]${pad} ${component}: ${message}\n`);
    },
    banner(text) {
      out.write(`${text}\n`);
    },
  };
}
