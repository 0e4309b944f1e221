import { stdoutLog } from './log.ts';

// Entry point of test/fakes/bin/{consul,nomad,vault}: `main.ts <product> <args...>`. Only the
// product asked for is loaded, so each stand-in starts as fast as it can.

type Main = (args: string[], env: NodeJS.ProcessEnv, log: ReturnType<typeof stdoutLog>, err: NodeJS.WritableStream) => Promise<number>;

const loaders: Record<string, () => Promise<Main>> = {
  consul: async () => (await import('./consul/main.ts')).consulMain,
  nomad: async () => (await import('./nomad/main.ts')).nomadMain,
  vault: async () => (await import('./vault/main.ts')).vaultMain,
};

// A supervisor that stops reading our output must not kill the agent (the real ones ignore EPIPE).
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

const [product, ...args] = process.argv.slice(2);
const load = loaders[product ?? ''];
if (!load) {
  process.stderr.write(`stand-in: unknown product ${product ?? '(none)'}\n`);
  process.exit(2);
}
load()
  .then((run) => run(args, process.env, stdoutLog(), process.stderr))
  .then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`==> ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
