// A small contender process for the election tests and the bench: it imports only lease.ts, so 50
// of them start quickly. Prints one JSON line per event on stdout.
//   race              read `go CLUSTERDIR AT_EPOCH_MS` lines; at that instant make one attempt and
//                     print {round, leader, term}; repeat (many rounds without restarting)
//   hold DIR ID MS    contend and hold; print {leader, holder, term, t} at every change; SIGTERM releases
//   once DIR ID MS    one attempt (no waiting), print the status, keep it until stdin closes
import { createInterface } from 'node:readline';
import { systemClock } from '../../../../agent/core/clock.ts';
import { createLog, silentLog } from '../../../../agent/core/log.ts';
import { acquireLease, type Lease } from '../../../../agent/shared/lease.ts';

const [mode, dir, id, ms] = process.argv.slice(2);
const log = process.env.WORKER_LOG ? createLog({ level: process.env.WORKER_LOG, destination: process.stderr }) : silentLog();
const deps = { clock: systemClock, log };
const out = (o: object) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...o })}\n`);

if (mode === 'race') {
  let round = 0;
  out({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    const [, clusterDir, at] = line.split(' ');
    round++;
    const wait = Number(at) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const lease = await acquireLease({ clusterDir: clusterDir!, holder: `i-${process.pid}`, leaseMs: 60_000, contend: false }, deps);
    await lease.detach();
    out({ round, leader: lease.isLeader, term: lease.term });
  }
} else if (mode === 'hold' || mode === 'once') {
  const leaseMs = Number(ms);
  let lease: Lease | undefined;
  const report = (s: { leader: boolean; holder: string | null; term: number }) => out({ ...s, t: performance.now() });
  lease = await acquireLease(
    { clusterDir: dir!, holder: id!, ip: '127.0.0.1', leaseMs, contend: mode === 'hold', onChange: mode === 'hold' ? report : undefined },
    deps,
  );
  report(lease.status);
  process.once('SIGTERM', () => {
    void lease?.release().then(() => process.exit(0));
  });
  if (mode === 'once') {
    process.stdin.resume();
    process.stdin.on('end', () => void lease?.detach().then(() => process.exit(0)));
  }
}
