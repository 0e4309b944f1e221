import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { terminalExitCodes } from '../../../agent/core/errors.ts';
import { REPO } from '../../helpers/cli.ts';

/** `Key=value` lines of a unit file's [Service] section (comments and blank lines dropped). */
function serviceSection(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

const unit = serviceSection(readFileSync(path.join(REPO, 'systemd/hashinode.service'), 'utf8'));

describe('systemd/hashinode.service', () => {
  it('does not restart on exactly the exit codes of terminal errors', () => {
    const listed = (unit.get('RestartPreventExitStatus') ?? []).join(' ').split(/\s+/).filter(Boolean).map(Number);
    expect(listed).toEqual(terminalExitCodes());
  });

  it.each([
    ['Type', 'notify'],
    ['NotifyAccess', 'all'],
    ['ExecStart', '/usr/local/bin/hashinode run'],
    ['Restart', 'on-failure'],
  ])('sets %s=%s', (key, value) => {
    expect(unit.get(key)).toEqual([value]);
  });

  it('has a watchdog interval the agent can feed', () => {
    const [watchdog] = unit.get('WatchdogSec') ?? [];
    expect(watchdog).toMatch(/^\d+s$/);
    expect(Number.parseInt(watchdog!, 10)).toBeGreaterThanOrEqual(10);
  });

  it('keeps mounts and /etc shared with the host (no private mount namespace)', () => {
    for (const key of ['ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateMounts', 'ReadOnlyPaths', 'ReadWritePaths', 'InaccessiblePaths', 'TemporaryFileSystem']) {
      expect(unit.has(key), key).toBe(false);
    }
  });
});
