import type { Deps, Paths } from '../core/deps.ts';
import { HashinodeError } from '../core/errors.ts';
import type { NodeFacts } from '../node/types.ts';
import { compileTemplate, renderTemplate } from './engine.ts';
import { ENV_TOKEN_SECRETS, type FilePlan, type RenderService, SECRET_LABEL, SERVICE_DIRS, type SecretName, planFiles } from './plan.ts';
import { validateWithServices } from './service-validate.ts';
import { type TemplateDirs, loadTemplate } from './sources.ts';
import { resolveOwner } from './owners.ts';
import { validateHcl } from './validate.ts';
import { sourceDescriber, templateVars } from './vars.ts';
import { type WriterFs, ensureDir, writeFileAtomic } from './writer.ts';

// facts + known secrets -> the exact bytes of every file the node's services read (no writes), and
// applying them (atomic writes, only what changed). A file whose secret is not known yet is
// reported pending, never written with a placeholder.

export interface RenderedFile {
  /** Host path, e.g. /etc/consul.d/consul.hcl. */
  path: string;
  content: string;
  mode: number;
  owner: string;
  group: string;
  service: RenderService;
  secret: boolean;
  /** Where the template was read (file path or builtin:NAME); `generated` for files built in code. */
  origin: string;
}

export interface RenderSecrets {
  consulGossipKey?: string;
  nomadGossipKey?: string;
  /** Consul ACL token for Vault's Consul storage (goes to vault.env as CONSUL_HTTP_TOKEN). */
  vaultStorageToken?: string;
  /** Consul ACL token of this node's Nomad agent (goes to nomad.env as CONSUL_HTTP_TOKEN). */
  nomadConsulToken?: string;
}

export interface RenderInput {
  facts: NodeFacts;
  paths: Paths;
  /** `<shared>/hashinode/<cluster>/templates`: operator overrides on the shared disk. */
  sharedTemplatesDir?: string;
  secrets: RenderSecrets;
  /** Limit to these services (consul, nomad, vault, dnsmasq, system) or host paths. */
  only?: string[];
  /** Built-in template directory (tests; defaults to the embedded set or the repository's). */
  builtinTemplatesDir?: string;
}

/** The files to write, plus `pending` (host paths waiting for a secret) and why. */
export type RenderResult = RenderedFile[] & { pending: string[]; pendingReasons: Record<string, string> };

const GOSSIP_KEY = /^[A-Za-z0-9+/]+={0,2}$/;

function checkSecret(name: SecretName, value: string): void {
  if (ENV_TOKEN_SECRETS.includes(name)) {
    if (!/^[A-Za-z0-9._-]{1,256}$/.test(value)) {
      throw new HashinodeError('HN_E_RENDER_INVALID', `${SECRET_LABEL[name]} has characters an env file cannot hold safely`, { details: { secret: name } });
    }
    return;
  }
  const bytes = GOSSIP_KEY.test(value) ? Buffer.from(value, 'base64').length : 0;
  if (![16, 24, 32].includes(bytes) || Buffer.from(value, 'base64').toString('base64') !== value) {
    throw new HashinodeError('HN_E_RENDER_INVALID', `${SECRET_LABEL[name]} is not base64 of a 16, 24 or 32 byte key`, { details: { secret: name } });
  }
}

function selected(plan: FilePlan, only: string[] | undefined): boolean {
  return !only || only.length === 0 || only.includes(plan.service) || only.includes(plan.path);
}

/** The header of each generated env file: what the token is and who reads it. */
const ENV_FILE_HEADER: Partial<Record<SecretName, string[]>> = {
  vaultStorageToken: [
    "# Managed by hashinode. The Consul ACL token of Vault's Consul storage: Vault reads it from",
    '# CONSUL_HTTP_TOKEN, so vault.hcl holds no secret. Readable by the vault group only (0640).',
  ],
  nomadConsulToken: [
    "# Managed by hashinode. The Consul ACL token of this node's Nomad agent: Nomad reads it from",
    '# CONSUL_HTTP_TOKEN, so nomad.hcl holds no secret. Readable by the nomad group only (0640).',
  ],
};

function tokenEnvFile(name: SecretName, token: string): string {
  return [...(ENV_FILE_HEADER[name] ?? []), `CONSUL_HTTP_TOKEN=${token}`, ''].join('\n');
}

/** Renders every file for the node's roles; validates HCL with both parsers; writes nothing. */
export async function renderNodeConfig(input: RenderInput): Promise<RenderResult> {
  const { facts } = input;
  const vars = templateVars(facts);
  const sourceOf = sourceDescriber(facts);
  const dirs: TemplateDirs = { shared: input.sharedTemplatesDir, host: input.paths.templatesDir, builtinDir: input.builtinTemplatesDir };
  const files: RenderedFile[] = [];
  const pending: string[] = [];
  const pendingReasons: Record<string, string> = {};

  for (const plan of planFiles(facts)) {
    if (!selected(plan, input.only)) continue;
    let secret: string | undefined;
    if (plan.needs) {
      secret = input.secrets[plan.needs];
      if (secret === undefined || secret === '') {
        pending.push(plan.path);
        pendingReasons[plan.path] = `${SECRET_LABEL[plan.needs]} is not known yet`;
        continue;
      }
      checkSecret(plan.needs, secret);
    }
    let content: string;
    let origin: string;
    if (plan.template === undefined) {
      content = tokenEnvFile(plan.needs!, secret!);
      origin = 'generated';
    } else {
      const source = await loadTemplate(plan.template, dirs);
      const template = compileTemplate(source.text, source.origin, plan.context);
      content = renderTemplate(template, secret === undefined ? vars : { ...vars, gossipKey: secret }, { sourceOf });
      origin = source.origin;
      if (plan.context === 'hcl') await validateHcl(content, `${plan.path} (from ${source.origin})`);
    }
    files.push({ path: plan.path, content, mode: plan.mode, owner: plan.owner, group: plan.group, service: plan.service, secret: plan.secret, origin });
  }
  return Object.assign(files, { pending, pendingReasons });
}

export interface ApplyOptions {
  fs?: WriterFs;
  applyOwnership?: boolean;
  /** Environment whose PATH is searched for consul/nomad validators (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Run `consul validate` / `nomad config validate` when the binaries are on PATH (default true). */
  validate?: boolean;
}

/** Validates with the services' own checkers, then writes each file atomically if its bytes changed. */
export async function applyRendered(
  files: readonly RenderedFile[],
  deps: Pick<Deps, 'paths' | 'exec' | 'log'>,
  options: ApplyOptions = {},
): Promise<{ changed: string[]; unchanged: string[]; changedServices: RenderService[]; notes: string[] }> {
  const notes = options.validate === false ? [] : await validateWithServices(files, deps, options.env ?? process.env);
  const root = deps.paths.root;
  const common = { root, fs: options.fs, applyOwnership: options.applyOwnership };
  const services = new Set(files.map((f) => f.service));
  // Every owner must exist before the first write, so a missing user leaves nothing half-applied.
  for (const file of files) await resolveOwner(root, file.owner, file.group, file.path);
  for (const service of services) {
    const dir = SERVICE_DIRS[service];
    if (dir) await ensureDir(deps.paths.host(dir.path), { ...common, mode: dir.mode, owner: dir.owner, group: dir.group });
  }
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const file of files) {
    const result = await writeFileAtomic(deps.paths.host(file.path), file.content, { ...common, mode: file.mode, owner: file.owner, group: file.group });
    (result.changed ? changed : unchanged).push(file.path);
    deps.log.debug({ file: file.path, changed: result.changed }, result.changed ? 'wrote file' : 'file unchanged');
  }
  // The services to restart or reload: only those whose files changed.
  const changedServices = [...new Set(files.filter((f) => changed.includes(f.path)).map((f) => f.service))];
  return { changed, unchanged, changedServices, notes };
}
