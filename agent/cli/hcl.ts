import { chown, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';
import { applyPhaseEdit, type Flavor, getValue, parse, print, setAttribute, toJson } from '../hcl/index.ts';
import { boolOpt, type Command, type CommandContext, stringOpt } from './command.ts';

// `hashinode hcl`: the lossless HCL engine from the command line, to inspect and edit consul.hcl
// and nomad.hcl the way the agent does (the same code runs in the bootstrap and revert phases).

const USAGE = [
  'json FILE [--oracle]',
  'get FILE PATH',
  'set FILE PATH VALUE [--in-place]',
  'phase bootstrap|revert FILE [--flavor consul|nomad] [--in-place]',
  'check FILE [--oracle]',
];

function usage(message: string): HashinodeError {
  return new HashinodeError('HN_E_USAGE', `${message}; usage: hashinode hcl ${USAGE.join(' | ')}`);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new HashinodeError('HN_E_FILE_READ', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Replaces file atomically, keeping its mode (and owner when we can): temp file, fsync, rename. */
async function writeInPlace(file: string, content: string): Promise<boolean> {
  const before = await stat(file);
  const { writeFileAtomic } = await import('../render/writer.ts');
  const { changed } = await writeFileAtomic(file, content, { mode: before.mode & 0o7777, root: '/' });
  if (changed && process.getuid?.() === 0) {
    const after = await stat(file);
    if (after.uid !== before.uid || after.gid !== before.gid) await chown(file, before.uid, before.gid);
  }
  return changed;
}

async function emit(ctx: CommandContext, file: string, content: string): Promise<void> {
  if (boolOpt(ctx.values, 'in-place')) {
    const changed = await writeInPlace(file, content);
    if (ctx.json) ctx.stdout.write(`${JSON.stringify({ file, changed })}\n`);
    else if (ctx.human) ctx.stdout.write(`${file}: ${changed ? 'changed' : 'unchanged'}\n`);
    return;
  }
  ctx.stdout.write(content);
}

export function flavorOf(file: string, flag: string | undefined): Flavor {
  if (flag !== undefined) {
    if (flag !== 'consul' && flag !== 'nomad') throw usage(`--flavor must be consul or nomad, got '${flag}'`);
    return flag;
  }
  // /etc/nomad.d/server.hcl and nomad.hcl are Nomad's; everything else is taken for Consul's.
  const named = `${path.basename(path.dirname(path.resolve(file)))}/${path.basename(file)}`;
  return named.includes('nomad') ? 'nomad' : 'consul';
}

function args(ctx: CommandContext, count: number, what: string): string[] {
  const rest = ctx.positionals.slice(1);
  if (rest.length !== count) throw usage(`hcl ${ctx.positionals[0]} takes ${what}`);
  return rest;
}

export const command: Command = {
  name: 'hcl',
  summary: 'Parse, query and edit HCL files losslessly (json, get, set, phase, check)',
  usage: USAGE,
  positionals: true,
  details: [
    'json    print the JSON projection (the shape hcl2-parser gives; --oracle: hcl2-parser itself)',
    'get     print the value at a dotted PATH (acl.default_policy): a string bare, anything else as JSON',
    'set     set the argument at PATH to VALUE, an HCL value (1, \'"allow"\', \'["a"]\'); adds it if absent',
    'phase   apply the bootstrap edits (reversible, marked with # hashinode:bootstrap) or revert them;',
    '        the flavor comes from --flavor, else from the file or directory name (nomad = nomad)',
    'check   exit 0 when FILE parses and prints back byte for byte (--oracle: and hcl2-parser agrees)',
    'set and phase print the new text; with --in-place they replace FILE atomically (mode kept).',
  ].join('\n'),
  options: {
    'in-place': { type: 'boolean', description: 'write the result to FILE (atomically) instead of stdout' },
    flavor: { type: 'string', value: 'KIND', description: 'phase edits for consul or nomad (default: from the file name)' },
    oracle: { type: 'boolean', description: 'json: use hcl2-parser; check: also compare with hcl2-parser' },
  },
  async run(ctx) {
    const sub = ctx.positionals[0];
    switch (sub) {
      case 'json': {
        const [file] = args(ctx, 1, 'FILE');
        const text = await readText(file!);
        let value: unknown;
        if (boolOpt(ctx.values, 'oracle')) {
          const { hcl2ParseToObject } = await import('../hcl/oracle.ts');
          value = await hcl2ParseToObject(text, file);
        } else {
          value = toJson(parse(text, file));
        }
        ctx.stdout.write(`${JSON.stringify(value, null, ctx.human ? 2 : undefined)}\n`);
        return 0;
      }
      case 'get': {
        const [file, p] = args(ctx, 2, 'FILE PATH');
        const value = getValue(await readText(file!), p!, file);
        if (value === undefined) throw new HashinodeError('HN_E_HCL_EDIT', `${file}: ${p}: no such argument or block`);
        ctx.stdout.write(`${typeof value === 'string' && !ctx.json ? value : JSON.stringify(value)}\n`);
        return 0;
      }
      case 'set': {
        const [file, p, value] = args(ctx, 3, 'FILE PATH VALUE');
        await emit(ctx, file!, setAttribute(await readText(file!), p!, value!, file));
        return 0;
      }
      case 'phase': {
        const [phase, file] = args(ctx, 2, 'bootstrap|revert FILE');
        if (phase !== 'bootstrap' && phase !== 'revert') throw usage(`phase must be bootstrap or revert, got '${phase}'`);
        const flavor = flavorOf(file!, stringOpt(ctx.values, 'flavor'));
        await emit(ctx, file!, applyPhaseEdit(await readText(file!), phase, flavor, file));
        return 0;
      }
      case 'check': {
        const [file] = args(ctx, 1, 'FILE');
        const text = await readText(file!);
        const doc = parse(text, file);
        if (print(doc) !== text) throw new HashinodeError('HN_E_INTERNAL', `${file}: printing the parsed file does not give it back`);
        const ours = toJson(doc);
        if (boolOpt(ctx.values, 'oracle')) {
          const { hcl2ParseToObject } = await import('../hcl/oracle.ts');
          const theirs = await hcl2ParseToObject(text, file);
          const { isDeepStrictEqual } = await import('node:util');
          if (!isDeepStrictEqual(JSON.parse(JSON.stringify(ours)), theirs)) {
            throw new HashinodeError('HN_E_HCL_SYNTAX', `${file}: hcl2-parser reads this file differently from hashinode`);
          }
        }
        if (ctx.json) ctx.stdout.write(`${JSON.stringify({ file, ok: true })}\n`);
        else ctx.stdout.write(`${file}: ok\n`);
        return 0;
      }
      case undefined:
        throw usage('no subcommand given');
      default:
        throw usage(`unknown subcommand '${sub}'`);
    }
  },
};
