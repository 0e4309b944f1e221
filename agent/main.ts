import { parseArgs } from 'node:util';
import type { Command, CommandContext, OptionSpec, OptionValues } from './cli/command.ts';
import { COMMANDS } from './cli/registry.ts';
import type { Deps } from './core/deps.ts';
import { HashinodeError, toHashinodeError } from './core/errors.ts';

// argv -> command -> exit code. The only place that calls process.exit.

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  root: { type: 'string', value: 'DIR', description: 'filesystem root every path is under (default /)' },
  'log-level': { type: 'string', value: 'LEVEL', description: 'trace|debug|info|warn|error|fatal|silent (default info)' },
  json: { type: 'boolean', description: 'print data as JSON' },
  human: { type: 'boolean', description: 'human-readable output even when stdout is not a terminal' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface MainIO {
  stdout: { write(text: string): void; isTTY?: boolean };
  stderr: { write(text: string): void };
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return `  ${flag.padEnd(28)} ${spec.description}`;
  });
}

export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'hashinode: bootstrap agent for Consul + Nomad (+ Vault) nodes on EC2',
    '',
    'Usage: hashinode <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Global flags:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    "Run 'hashinode <command> --help' for a command's flags.",
    '',
  ].join('\n');
}

export function commandUsage(command: Command): string {
  return [
    `Usage: hashinode ${command.name} ${command.usage[0] ?? ''}`.trimEnd(),
    ...command.usage.slice(1).map((u) => `       hashinode ${command.name} ${u}`),
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
    ...(Object.keys(command.options).length ? ['Flags:', ...optionLines(command.options), ''] : []),
    'Global flags:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
  ].join('\n');
}

function parseConfig(options: Record<string, OptionSpec>) {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(options)) {
    config[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  return config;
}

function usageError(io: MainIO, message: string, usage: string): number {
  io.stderr.write(`hashinode: HN_E_USAGE: ${message}\n\n${usage}`);
  return 2;
}

export async function main(argv: string[], io: MainIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === undefined) return usageError(io, 'no command given', mainUsage());
    io.stdout.write(mainUsage());
    return 0;
  }
  if (name === '--version') return main(['version', ...rest], io);
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) return usageError(io, `unknown command '${name}'`, mainUsage());

  const { command } = await entry.load();
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  let values: OptionValues;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: rest, options: parseConfig(options), allowPositionals: true, strict: true });
    values = parsed.values as OptionValues;
    positionals = parsed.positionals;
  } catch (err) {
    return usageError(io, (err as Error).message, commandUsage(command));
  }
  if (values.help === true) {
    io.stdout.write(commandUsage(command));
    return 0;
  }
  if (positionals.length > 0 && !command.positionals) {
    return usageError(io, `unexpected argument '${positionals[0]}'`, commandUsage(command));
  }
  const logLevel = typeof values['log-level'] === 'string' ? values['log-level'] : (io.env.HASHINODE_LOG_LEVEL ?? 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    return usageError(io, `--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`, commandUsage(command));
  }

  const controller = new AbortController();
  io.signal?.addEventListener('abort', () => controller.abort(io.signal?.reason), { once: true });
  let deps: Promise<Deps> | undefined;
  let builtDeps: Deps | undefined;
  const ctx: CommandContext = {
    values,
    positionals,
    stdout: io.stdout,
    stderr: io.stderr,
    human: values.human === true || (io.stdout.isTTY === true && values.json !== true),
    json: values.json === true,
    env: io.env,
    signal: controller.signal,
    deps: () => {
      // Loaded on first use so `version` and `--help` never pay for the logger or the HTTP stack.
      deps ??= import('./core/default-deps.ts').then(({ defaultDeps }) => {
        const out = command.logTo === 'stdout' ? io.stdout : io.stderr;
        const destination = { write: (line: string) => out.write(line) };
        builtDeps = defaultDeps(typeof values.root === 'string' ? values.root : '/', logLevel, command.name, destination);
        return builtDeps;
      });
      return deps;
    },
  };
  try {
    return await command.run(ctx);
  } catch (err) {
    const error = toHashinodeError(err);
    if (builtDeps) builtDeps.log.error({ err: error.toJSON(), command: command.name }, error.message);
    io.stderr.write(`hashinode ${command.name}: ${error.code}: ${error.message}\n`);
    if (error.code === 'HN_E_INTERNAL' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return error.exitCode;
  }
}

function isEntryPoint(): boolean {
  // Bundled (dist/hashinode.cjs or the single executable): build.mjs defines this to true.
  if (typeof __HASHINODE_BUNDLED__ !== 'undefined') return true;
  const entry = process.argv[1] ?? '';
  return /[\\/]agent[\\/]main\.ts$/.test(entry);
}

declare const __HASHINODE_BUNDLED__: boolean | undefined;

if (isEntryPoint()) {
  const controller = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => controller.abort(new HashinodeError('HN_E_INTERRUPTED', `received ${sig}`)));
  }
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal }).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`hashinode: HN_E_INTERNAL: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
