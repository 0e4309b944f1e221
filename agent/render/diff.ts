// A unified diff (the `diff -u` format: `---`/`+++` headers, `@@ -a,b +c,d @@` hunks with 3 lines
// of context) from a longest-common-subsequence table. Config files are small; inputs past a size
// bound fall back to "replace everything", which is still a correct diff.

export interface DiffOptions {
  fromFile: string;
  toFile: string;
  context?: number;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

const MAX_CELLS = 4_000_000;

// The last line of a file without a final newline is a different line from the same text with
// one (diff -u prints it with "\ No newline at end of file"), so it carries a marker while compared.
const NO_EOL = '\u0000no-eol';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const noEol = !text.endsWith('\n');
  const lines = (noEol ? text : text.slice(0, -1)).split('\n');
  if (noEol) lines[lines.length - 1] += NO_EOL;
  return lines;
}

function editScript(a: string[], b: string[]): Op[] {
  // Trim the common head and tail first: the usual config change touches a few lines.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ma = a.slice(head, a.length - tail);
  const mb = b.slice(head, b.length - tail);
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }));
  if ((ma.length + 1) * (mb.length + 1) > MAX_CELLS) {
    for (const line of ma) ops.push({ kind: '-', line });
    for (const line of mb) ops.push({ kind: '+', line });
  } else {
    const n = ma.length;
    const m = mb.length;
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] = ma[i] === mb[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && ma[i] === mb[j]) {
        ops.push({ kind: ' ', line: ma[i]! });
        i++;
        j++;
      } else if (j < m && (i === n || lcs[i * width + j + 1]! >= lcs[(i + 1) * width + j]!)) {
        ops.push({ kind: '+', line: mb[j]! });
        j++;
      } else {
        ops.push({ kind: '-', line: ma[i]! });
        i++;
      }
    }
    // Within a run of changes, print removals before additions, as diff(1) does.
    normaliseRuns(ops, head);
  }
  for (const line of a.slice(a.length - tail)) ops.push({ kind: ' ', line });
  return ops;
}

function normaliseRuns(ops: Op[], from: number): void {
  let k = from;
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') {
      k++;
      continue;
    }
    let end = k;
    while (end < ops.length && ops[end]!.kind !== ' ') end++;
    const run = ops.slice(k, end);
    const sorted = [...run.filter((o) => o.kind === '-'), ...run.filter((o) => o.kind === '+')];
    ops.splice(k, run.length, ...sorted);
    k = end;
  }
}

function range(start: number, count: number): string {
  // diff -u: an empty range is written as the line before it, with count 0.
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

/** The unified diff from `before` to `after`, or '' when they are equal. */
export function unifiedDiff(before: string, after: string, options: DiffOptions): string {
  if (before === after) return '';
  const context = options.context ?? 3;
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = editScript(a, b);

  const out = [`--- ${options.fromFile}`, `+++ ${options.toFile}`];
  const changed = ops.map((o, idx) => (o.kind === ' ' ? -1 : idx)).filter((idx) => idx >= 0);
  let h = 0;
  while (h < changed.length) {
    const start = Math.max(0, changed[h]! - context);
    let end = Math.min(ops.length, changed[h]! + context + 1);
    h++;
    while (h < changed.length && changed[h]! - context <= end) {
      end = Math.min(ops.length, changed[h]! + context + 1);
      h++;
    }
    let aStart = 0;
    let bStart = 0;
    for (let k = 0; k < start; k++) {
      if (ops[k]!.kind !== '+') aStart++;
      if (ops[k]!.kind !== '-') bStart++;
    }
    const body = ops.slice(start, end);
    const aCount = body.filter((o) => o.kind !== '+').length;
    const bCount = body.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const op of body) {
      if (op.line.endsWith(NO_EOL)) out.push(`${op.kind}${op.line.slice(0, -NO_EOL.length)}`, '\\ No newline at end of file');
      else out.push(`${op.kind}${op.line}`);
    }
  }
  return `${out.join('\n')}\n`;
}
