import { HashinodeError } from '../core/errors.ts';
import type { Attribute, Block, BodyItem, HclDocument } from './cst.ts';
import { checkValueLiteral } from './edit.ts';
import { applySplices, eolAt, type LineSpan, ownedLines, type Splice } from './lines.ts';
import { parse } from './parser.ts';

// The single-node bootstrap edits and their exact revert. Markers make both reversible:
//   a commented-out line:  <indent># hashinode:bootstrap <original line>
//   a line bootstrap set:  <indent>name = value # hashinode:bootstrap-set
//   (inside a one-line block the whole block line is the unit: `acl { default_policy = "allow" }`)
// bootstrap writes the set line just above the commented-out original; revert deletes set lines
// and strips the prefix, which restores the original bytes. Items already edited are skipped, so
// bootstrap is idempotent, and revert of a file without markers changes nothing.

export type Phase = 'bootstrap' | 'revert';
export type Flavor = 'consul' | 'nomad';

export const COMMENT_MARKER = '# hashinode:bootstrap ';
export const SET_MARKER = ' # hashinode:bootstrap-set';

interface PhasePlan {
  set: { path: string[]; value: string }[];
  comment: string[][];
}

/** What bootstrap changes, per flavor (DESIGN.md: the manual first-server procedure). */
export const PHASE_PLANS: Record<Flavor, PhasePlan> = {
  consul: {
    set: [
      { path: ['bootstrap_expect'], value: '1' },
      { path: ['acl', 'default_policy'], value: '"allow"' },
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
  if (phase === 'revert') return revert(text, file);
  return bootstrap(text, flavor, file);
}

function fail(doc: HclDocument, what: string, reason: string): HashinodeError {
  return new HashinodeError('HN_E_HCL_EDIT', `${doc.file ?? '<input>'}: ${what}: ${reason}`);
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
    for (const { item, parent } of itemsAt(doc, path)) {
      const span = ownedLines(text, item);
      if (span) splices.push({ start: span.start, end: span.end, text: commentOut(text.slice(span.start, span.end)) });
      else splices.push(emptyOneLineBlock(doc, item, parent, path.join('.')));
    }
  }
  for (const { path, value } of plan.set) {
    const literal = checkValueLiteral(value, path.join('.'));
    for (const { item, parent } of itemsAt(doc, path)) {
      if (item.kind !== 'attribute') continue;
      if (item.raw === literal) continue;
      splices.push(setSplice(doc, item, parent, literal, path.join('.')));
    }
  }
  const out = applySplices(text, splices);
  parse(out, file);
  return out;
}

function setSplice(doc: HclDocument, attr: Attribute, parent: Block | undefined, literal: string, what: string): Splice {
  const text = doc.source;
  const own = ownedLines(text, attr);
  let span: LineSpan;
  let line: string;
  if (own) {
    span = own;
    const gap = (s: string) => (/^[ \t]*$/.test(s) ? s : ' ');
    line = `${text.slice(own.start, attr.start)}${attr.name}${gap(attr.beforeEquals)}=${gap(attr.afterEquals)}${literal}`;
  } else {
    // An argument of a one-line block (`acl { default_policy = "deny" }`): the block line is the unit.
    const blockSpan = parent?.oneLine ? ownedLines(text, parent) : undefined;
    if (!parent || !blockSpan) throw fail(doc, what, 'shares its line with other text, so it cannot be set line by line');
    span = blockSpan;
    const valueStart = attr.end - attr.raw.length;
    line = text.slice(span.start, valueStart) + literal + text.slice(attr.end, span.end).replace(/\r?\n$/, '');
  }
  return markedRewrite(text, span, line);
}

/** `acl { tokens = {...} }`: the block line is the unit; bootstrap writes it as `acl {}`. */
function emptyOneLineBlock(doc: HclDocument, item: BodyItem, parent: Block | undefined, what: string): Splice {
  const text = doc.source;
  const span = parent?.oneLine ? ownedLines(text, parent) : undefined;
  if (!parent || !span || item.kind !== 'attribute') {
    throw fail(doc, what, 'shares its line with other text, so it cannot be commented out line by line');
  }
  const open = item.start - item.leading.length;
  const close = item.end + parent.body.trailing.length;
  const line = text.slice(span.start, open) + text.slice(close, span.end).replace(/\r?\n$/, '');
  return markedRewrite(text, span, line);
}

function markedRewrite(text: string, span: LineSpan, line: string): Splice {
  // A byte order mark stays first in the file: on the set line, and back on the original at revert.
  const original = text.slice(span.start, span.end).replace(/^\ufeff/, '');
  return { start: span.start, end: span.end, text: `${line}${SET_MARKER}${eolAt(text, span.start)}${commentOut(original)}` };
}

/** Prefixes every line of a whole-lines chunk with the marker, after its indentation. */
function commentOut(chunk: string): string {
  let out = '';
  for (const line of chunk.split(/(?<=\n)/)) {
    const indent = /^\ufeff?[ \t]*/.exec(line)![0];
    out += indent + COMMENT_MARKER + line.slice(indent.length);
  }
  return out;
}

const COMMENTED_LINE = /^(\ufeff?[ \t]*)# hashinode:bootstrap (.*)$/s;

function revert(text: string, file?: string): string {
  parse(text, file);
  const lines = text.split(/(?<=\n)/);
  let out = '';
  let bom = '';
  for (const line of lines) {
    const body = line.replace(/\r?\n$/, '');
    const eol = line.slice(body.length);
    const commented = COMMENTED_LINE.exec(body);
    if (commented) out += bom + commented[1]! + commented[2]! + eol;
    else if (body.endsWith(SET_MARKER)) {
      if (body.startsWith('\ufeff')) bom = '\ufeff';
      continue;
    } else out += bom + line;
    bom = '';
  }
  parse(out, file);
  return out;
}
