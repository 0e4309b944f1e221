import { consulMain } from './consul/main.ts';
import { stdoutLog } from './log.ts';
import { nomadMain } from './nomad/main.ts';
import { vaultMain } from './vault/main.ts';

// Entry point of test/fakes/bin/{consul,nomad,vault}: `main.ts <product> <args...>`.

const [product, ...args] = process.argv.slice(2);
const log = stdoutLog();
const mains: Record<string, typeof consulMain> = { consul: consulMain, nomad: nomadMain, vault: vaultMain };
const run = mains[product ?? ''];
if (!run) {
  process.stderr.write(`stand-in: unknown product ${product ?? '(none)'}\n`);
  process.exit(2);
}
run(args, process.env, log, process.stderr).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`==> ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
