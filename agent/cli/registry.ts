import type { Command } from './command.ts';

// One line per command, in the order an operator meets them. Summaries live here so
// `hashinode --help` lists every command without loading any of them; each module is imported only
// when its command runs (start-up stays cheap).

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<{ command: Command }>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'bootstrap', summary: 'Run the bootstrap workflow until this node is a ready member of the datacenter', load: () => import('./bootstrap.ts') },
  { name: 'phase', summary: 'Run one phase of the bootstrap workflow (e.g. render, consul-bootstrap)', load: () => import('./phase.ts') },
  { name: 'analyze', summary: 'Show per-phase timing of the bootstrap workflow from the journal, slowest first', load: () => import('./analyze.ts') },
  { name: 'facts', summary: 'Show the instance facts (IMDS), tags and merged cluster spec with sources', load: () => import('./facts.ts') },
  { name: 'render', summary: "Render this node's Consul, Nomad, Vault, dnsmasq and resolv.conf files", load: () => import('./render.ts') },
  { name: 'elect', summary: 'Contend for the first-server lease on the shared disk and report who holds it', load: () => import('./elect.ts') },
  { name: 'pki', summary: 'Create CAs and certificates (consul tls compatible), inspect certificates, make gossip keys', load: () => import('./pki.ts') },
  { name: 'hcl', summary: 'Parse, query and edit HCL files losslessly (json, get, set, phase, check)', load: () => import('./hcl.ts') },
  { name: 'version', summary: 'Print the version, Node version, platform and build kind', load: () => import('./version.ts') },
];
