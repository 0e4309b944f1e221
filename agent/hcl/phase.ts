import type { Block, BodyItem, HclDocument } from './cst.ts';
import { checkValueLiteral } from './edit.ts';
import { applySplices, type Splice } from './lines.ts';
import { commentPrefix, commentSplice, restoreMarked, setSplice, setSuffix } from './markers.ts';
import { parse } from './parser.ts';

// The single-node bootstrap edits and their exact revert, with the markers of markers.ts tagged
// "bootstrap":
//   a commented-out line:  <indent># hashinode:bootstrap <original line>
//   a line bootstrap set:  <indent>name = value # hashinode:bootstrap-set
// Items already edited are gone (commented) or already hold the value, so bootstrap is idempotent;
// revert of a file without markers changes nothing.

export type Phase = 'bootstrap' | 'revert';
export type Flavor = 'consul' | 'nomad';

const TAG = 'bootstrap';
export const COMMENT_MARKER = commentPrefix(TAG);
export const SET_MARKER = setSuffix(TAG);

interface PhasePlan {
  /** Arguments to set when present; `onlyIf`: only when the file has an item at that path. */
  set: { path: string[]; value: string; onlyIf?: string[] }[];
  comment: string[][];
}

/** What bootstrap changes, per flavor (DESIGN.md: the manual first-server procedure). */
export const PHASE_PLANS: Record<Flavor, PhasePlan> = {
  consul: {
    set: [
      { path: ['bootstrap_expect'], value: '1' },
      { path: ['acl', 'default_policy'], value: '"allow"' },
      // With the tls stanza commented out Consul has no certificate to serve its TLS ports with.
      { path: ['ports', 'https'], value: '-1', onlyIf: ['tls'] },
      { path: ['ports', 'grpc_tls'], value: '-1', onlyIf: ['tls'] },
    ],
    comment: [['retry_join'], ['tls'], ['auto_encrypt'], ['acl', 'tokens']],
  },
  nomad: {
    set: [{ path: ['server', 'bootstrap_expect'], value: '1' }],
    comment: [
      ['server', 'server_join'],
      ['server', 'retry_join'],
    ],
  },
};

export function applyPhaseEdit(text: string, phase: Phase, flavor: Flavor, file?: string): string {
  if (phase === 'revert') return restoreMarked(text, TAG, file);
  return bootstrap(text, flavor, file);
}

/** Items named by path: the last segment inside every (unlabelled) block named by the others. */
function itemsAt(doc: HclDocument, path: string[]): { item: BodyItem; parent: Block | undefined }[] {
  let level: { items: BodyItem[]; parent: Block | undefined }[] = [{ items: doc.body.items, parent: undefined }];
  for (const seg of path.slice(0, -1)) {
    const next: typeof level = [];
    for (const l of level) {
      for (const it of l.items) if (it.kind === 'block' && it.type === seg && it.labels.length === 0) next.push({ items: it.body.items, parent: it });
    }
    level = next;
  }
  const name = path[path.length - 1]!;
  const out: { item: BodyItem; parent: Block | undefined }[] = [];
  for (const l of level) {
    for (const it of l.items) if ((it.kind === 'attribute' ? it.name : it.type) === name) out.push({ item: it, parent: l.parent });
  }
  return out;
}

function bootstrap(text: string, flavor: Flavor, file?: string): string {
  const doc = parse(text, file);
  const plan = PHASE_PLANS[flavor];
  const splices: Splice[] = [];
  for (const path of plan.comment) {
    for (const { item, parent } of itemsAt(doc, path)) splices.push(commentSplice(doc, item, parent, path.join('.'), TAG));
  }
  for (const { path, value, onlyIf } of plan.set) {
    if (onlyIf && itemsAt(doc, onlyIf).length === 0) continue;
    const literal = checkValueLiteral(value, path.join('.'));
    for (const { item, parent } of itemsAt(doc, path)) {
      if (item.kind !== 'attribute' || item.raw === literal) continue;
      splices.push(setSplice(doc, item, parent, literal, path.join('.'), TAG));
    }
  }
  const out = applySplices(text, splices);
  parse(out, file);
  return out;
}
