import { readFile } from 'node:fs/promises';
import type { Paths } from '../core/paths.ts';
import { HashinodeError } from '../core/errors.ts';
import { STATE } from '../node/materials.ts';
import { tokenPath } from '../pki/bundle.ts';
import type { RenderSecrets } from './node-config.ts';

// The secrets this node already holds (written by the PKI and workflow phases). A missing file is
// not an error: the files that need it are reported pending.

async function readSecret(paths: Paths, hostPath: string): Promise<string | undefined> {
  const file = paths.host(hostPath);
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HashinodeError('HN_E_FILE_READ', `cannot read ${file}: ${(err as Error).message}`, { cause: err, details: { file } });
  }
}

export async function loadKnownSecrets(paths: Paths): Promise<RenderSecrets> {
  // A Nomad server's agent uses the server token; a client-only node's the client token.
  const [consulGossipKey, nomadGossipKey, vaultStorageToken, nomadServerConsul, nomadClientConsul] = await Promise.all([
    readSecret(paths, STATE.consulGossipKey),
    readSecret(paths, STATE.nomadGossipKey),
    readSecret(paths, STATE.vaultStorageToken),
    readSecret(paths, tokenPath('nomadServerConsul')),
    readSecret(paths, tokenPath('nomadClientConsul')),
  ]);
  return { consulGossipKey, nomadGossipKey, vaultStorageToken, nomadConsulToken: nomadServerConsul ?? nomadClientConsul };
}
