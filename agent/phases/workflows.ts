import type { WorkflowContext } from './context.ts';
import { identifyPhase, sharedDiskPhase, dnsPhase } from './phase-identify.ts';
import { electPhase } from './phase-elect.ts';
import { pkiPhase, renderPhase } from './phase-pki.ts';
import { aclTokensPhase, consulBootstrapPhase, consulJoinPhase } from './phase-consul.ts';
import { nomadPhase, readyPhase, vaultPhase } from './phase-nomad-vault.ts';
import type { PhaseDef } from './runner.ts';

/** The bootstrap workflow, in order. Each phase declares the roles that need it. */
export const BOOTSTRAP_PHASES: readonly PhaseDef<WorkflowContext>[] = [
  identifyPhase,
  sharedDiskPhase,
  dnsPhase,
  electPhase,
  pkiPhase,
  renderPhase,
  consulBootstrapPhase,
  consulJoinPhase,
  aclTokensPhase,
  nomadPhase,
  vaultPhase,
  readyPhase,
];

export const PHASE_NAMES: readonly string[] = BOOTSTRAP_PHASES.map((p) => p.name);
