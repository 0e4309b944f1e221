import { spawn } from 'node:child_process';

// sd_notify through the `systemd-notify` CLI (Node has no unix datagram sockets). The unit then
// needs NotifyAccess=all, because the datagram comes from the helper's pid, not the agent's.

export function notifyReady(status: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!env['NOTIFY_SOCKET']) return;
  const child = spawn('systemd-notify', ['--ready', `--status=${status}`], { env, stdio: 'ignore' });
  child.on('error', () => {
    // No systemd-notify on this host: the real agents would also only log a failed notify.
  });
}
