import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';
import { boolOpt, type Command, listOpt, stringOpt } from './command.ts';
import { IDENTITY_OPTIONS, identifyFromCli } from './identity-options.ts';

// `hashinode render`: every config file for this node's roles, written atomically where its bytes
// changed, or (--dry-run) only shown. Secrets not known yet leave their files pending.

export const command: Command = {
  name: 'render',
  summary: "Render this node's Consul, Nomad, Vault, dnsmasq and resolv.conf files",
  usage: ['[--dry-run] [--diff] [--facts FILE] [--shared-dir DIR] [--only SERVICE]... [identity flags]'],
  details: [
    'Templates: <shared-dir>/hashinode/<cluster>/templates/, then <root>/etc/hashinode/templates/, then the built-in set.',
    'Files whose secret (gossip key, storage token) is not known yet are listed as pending and not written.',
    'Exit 0 also when files are pending.',
  ].join('\n'),
  options: {
    'dry-run': { type: 'boolean', description: 'write nothing; report what would change' },
    diff: { type: 'boolean', description: 'print a unified diff of each change (secret files: only that they change)' },
    'shared-dir': { type: 'string', value: 'DIR', description: 'the shared disk root, for operator template overrides' },
    only: { type: 'string', multiple: true, value: 'SERVICE', description: 'only consul|nomad|vault|dnsmasq|system, or a host path (repeatable)' },
    ...IDENTITY_OPTIONS,
  },
  async run(ctx) {
    const deps = await ctx.deps();
    const [{ renderNodeConfig, applyRendered }, { loadKnownSecrets }, { previewChanges }, { validateWithServices }] = await Promise.all([
      import('../render/node-config.ts'),
      import('../render/secrets.ts'),
      import('../render/preview.ts'),
      import('../render/service-validate.ts'),
    ]);
    const { facts, warnings } = await identifyFromCli(ctx);
    for (const w of warnings) deps.log.warn({ warning: w }, w);
    const sharedDir = stringOpt(ctx.values, 'shared-dir');
    const only = listOpt(ctx.values, 'only');
    const known = ['consul', 'nomad', 'vault', 'dnsmasq', 'system'];
    for (const o of only) {
      if (!known.includes(o) && !o.startsWith('/')) throw new HashinodeError('HN_E_USAGE', `--only ${o}: expected one of ${known.join(', ')} or an absolute path`);
    }
    const files = await renderNodeConfig({
      facts,
      paths: deps.paths,
      sharedTemplatesDir: sharedDir ? path.join(sharedDir, 'hashinode', facts.spec.cluster, 'templates') : undefined,
      secrets: await loadKnownSecrets(deps.paths),
      only,
    });
    const dryRun = boolOpt(ctx.values, 'dry-run');
    const showDiff = boolOpt(ctx.values, 'diff');
    const previews = dryRun || showDiff ? await previewChanges(files, deps.paths) : [];

    let changed: string[];
    let unchanged: string[];
    let notes: string[] = [];
    if (dryRun) {
      // The services' own validators still run: a dry run shows whether a real run would be refused.
      notes = await validateWithServices(files, deps, ctx.env);
      changed = previews.filter((p) => p.changed).map((p) => p.path);
      unchanged = previews.filter((p) => !p.changed).map((p) => p.path);
    } else {
      ({ changed, unchanged, notes } = await applyRendered(files, deps, { env: ctx.env }));
    }
    const pending = files.pending.map((p) => ({ path: p, reason: files.pendingReasons[p] ?? '' }));

    if (ctx.json) {
      const out: Record<string, unknown> = { dryRun, changed, unchanged, pending, notes };
      if (showDiff) out.diffs = Object.fromEntries(previews.filter((p) => p.changed).map((p) => [p.path, p.diff]));
      ctx.stdout.write(`${JSON.stringify(out)}\n`);
      return 0;
    }
    if (showDiff) for (const p of previews) if (p.changed) ctx.stdout.write(p.diff);
    const verb = dryRun ? 'would change' : 'changed';
    for (const p of changed) ctx.stdout.write(`${verb.padEnd(13)}${p}\n`);
    for (const p of unchanged) ctx.stdout.write(`${'unchanged'.padEnd(13)}${p}\n`);
    for (const p of pending) ctx.stdout.write(`${'pending'.padEnd(13)}${p.path} (${p.reason})\n`);
    for (const n of notes) ctx.stdout.write(`note: ${n}\n`);
    return 0;
  },
};
