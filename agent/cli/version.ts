import { VERSION } from '../core/version.ts';
import type { Command } from './command.ts';
import { isSingleExecutable } from '../core/sea.ts';

export function versionLine(): string {
  const kind = isSingleExecutable() ? 'single-executable' : 'node-script';
  return `hashinode ${VERSION} (node ${process.version}, ${process.platform}-${process.arch}, ${kind})`;
}

export const command: Command = {
  name: 'version',
  summary: 'Print the version, Node version, platform and build kind',
  usage: ['[--json]'],
  options: {},
  async run(ctx) {
    if (ctx.json) {
      ctx.stdout.write(
        `${JSON.stringify({
          version: VERSION,
          node: process.version,
          platform: `${process.platform}-${process.arch}`,
          singleExecutable: isSingleExecutable(),
        })}\n`,
      );
    } else {
      ctx.stdout.write(`${versionLine()}\n`);
    }
    return 0;
  },
};
