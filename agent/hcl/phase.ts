import type { Attribute, Block, BodyItem, HclDocument, ObjectExpr } from './cst.ts';
import { checkValueLiteral } from './edit.ts';
import { type Entry, entriesNamed } from './entries.ts';
import { applySplices } from './lines.ts';
import { commentPrefix, commentSplice, entryCommentSplice, entrySetSplice, type MarkedEdit, markedSplices, restoreMarked, setSplice, setSuffix } from './markers.ts';
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

type Target = { kind: 'item'; item: BodyItem; parent: Block | undefined } | { kind: 'entry'; entry: Entry };

type Container = { kind: 'body'; items: BodyItem[]; parent: Block | undefined } | { kind: 'object'; object: ObjectExpr; attr: Attribute };

/**
 * What a path names: the last segment inside every unlabelled block named by the others, or
 * inside their object values (`acl = { tokens = {...} }` is edited like `acl { tokens {...} }`).
 */
function targetsAt(doc: HclDocument, path: string[]): Target[] {
  let level: Container[] = [{ kind: 'body', items: doc.body.items, parent: undefined }];
  for (const seg of path.slice(0, -1)) {
    const next: Container[] = [];
    for (const c of level) {
      if (c.kind === 'body') {
        for (const it of c.items) {
          if (it.kind === 'block' && it.type === seg && it.labels.length === 0) next.push({ kind: 'body', items: it.body.items, parent: it });
          if (it.kind === 'attribute' && it.name === seg && it.expr.kind === 'object') next.push({ kind: 'object', object: it.expr, attr: it });
        }
      } else {
        for (const e of entriesNamed(doc, c.attr, c.object, seg)) if (e.value.kind === 'object') next.push({ kind: 'object', object: e.value, attr: c.attr });
      }
    }
    level = next;
  }
  const name = path[path.length - 1]!;
  const out: Target[] = [];
  for (const c of level) {
    if (c.kind === 'body') {
      for (const it of c.items) if ((it.kind === 'attribute' ? it.name : it.type) === name) out.push({ kind: 'item', item: it, parent: c.parent });
    } else {
      for (const entry of entriesNamed(doc, c.attr, c.object, name)) out.push({ kind: 'entry', entry });
    }
  }
  return out;
}

function bootstrap(text: string, flavor: Flavor, file?: string): string {
  const doc = parse(text, file);
  const plan = PHASE_PLANS[flavor];
  const edits: MarkedEdit[] = [];
  for (const path of plan.comment) {
    const what = path.join('.');
    for (const t of targetsAt(doc, path)) {
      edits.push(t.kind === 'item' ? commentSplice(doc, t.item, t.parent, what, TAG) : entryCommentSplice(doc, t.entry, what, TAG));
    }
  }
  for (const { path, value, onlyIf } of plan.set) {
    if (onlyIf && targetsAt(doc, onlyIf).length === 0) continue;
    const what = path.join('.');
    const literal = checkValueLiteral(value, what);
    for (const t of targetsAt(doc, path)) {
      if (t.kind === 'entry') {
        if (text.slice(t.entry.value.start, t.entry.value.end) !== literal) edits.push(entrySetSplice(doc, t.entry, literal, what));
      } else if (t.item.kind === 'attribute' && t.item.raw !== literal) {
        edits.push(setSplice(doc, t.item, t.parent, literal, what));
      }
    }
  }
  const out = applySplices(text, markedSplices(text, edits, TAG));
  parse(out, file);
  return out;
}
