import { type ApiEndpoint, apiError, call, parseJson } from './api.ts';

// Vault's health endpoint encodes the state in the status code: 200 active, 429 standby, 472 DR
// secondary, 473 performance standby, 501 not initialised, 503 sealed. All are answers, not errors.

export type VaultState = 'active' | 'standby' | 'dr-secondary' | 'perf-standby' | 'uninitialized' | 'sealed';

const BY_STATUS: Record<number, VaultState> = {
  200: 'active',
  429: 'standby',
  472: 'dr-secondary',
  473: 'perf-standby',
  501: 'uninitialized',
  503: 'sealed',
};

export interface VaultHealth {
  state: VaultState;
  initialized: boolean;
  sealed: boolean;
  version?: string;
}

export class VaultApi {
  readonly ep: ApiEndpoint;

  constructor(ep: ApiEndpoint) {
    this.ep = ep;
  }

  async health(): Promise<VaultHealth> {
    const accept = Object.keys(BY_STATUS).map(Number);
    const res = await call('vault', this.ep, 'GET', '/v1/sys/health', { accept });
    const state = BY_STATUS[res.status];
    if (!state) throw apiError('vault', 'GET', `${this.ep.address}/v1/sys/health`, res);
    const body = res.body.trim() ? parseJson<{ initialized?: boolean; sealed?: boolean; version?: string }>('vault', '/v1/sys/health', res.body) : {};
    return {
      state,
      initialized: body.initialized ?? state !== 'uninitialized',
      sealed: body.sealed ?? state === 'sealed',
      ...(body.version ? { version: body.version } : {}),
    };
  }

  async sealStatus(): Promise<{ sealed: boolean; initialized: boolean; type?: string }> {
    const res = await call('vault', this.ep, 'GET', '/v1/sys/seal-status');
    return parseJson('vault', '/v1/sys/seal-status', res.body);
  }
}
