// The concrete syntax tree. Body items keep every byte around them (`leading` trivia before,
// `tail` after up to and including the newline), so printing the tree gives the input back and an
// edit can replace one item's text without disturbing its neighbours. Expressions keep their raw
// text for printing plus just enough structure for the JSON projection.

export interface HclDocument {
  kind: 'document';
  file: string | undefined;
  /** The text the document was parsed from; offsets in the tree index into it. */
  source: string;
  body: Body;
}

export interface Body {
  items: BodyItem[];
  /** Trivia after the last item, up to the closing brace or the end of the file. */
  trailing: string;
}

export type BodyItem = Attribute | Block;

interface ItemBase {
  /** Trivia (whitespace, newlines, comments) between the previous item and this one. */
  leading: string;
  /** Offset of the first character of the name. */
  start: number;
  /** Offset just after the value (attribute) or the closing brace (block). */
  end: number;
  /** Text after `end` up to and including the terminating newline (spaces, comments). */
  tail: string;
}

export interface Attribute extends ItemBase {
  kind: 'attribute';
  name: string;
  beforeEquals: string;
  afterEquals: string;
  /** Raw text of the value expression, comments inside it included. */
  raw: string;
  expr: Expression;
}

export interface Label {
  leading: string;
  raw: string;
  value: string;
}

export interface Block extends ItemBase {
  kind: 'block';
  type: string;
  labels: Label[];
  beforeBrace: string;
  body: Body;
  /** `name { attr = value }` on one line. */
  oneLine: boolean;
}

interface ExprBase {
  start: number;
  end: number;
}

export interface LiteralExpr extends ExprBase {
  kind: 'literal';
  value: number | boolean | null;
  /** Source of a number, kept for exact decimal formatting. */
  raw?: string;
}

export interface TemplateExpr extends ExprBase {
  kind: 'template';
  heredoc: boolean;
  parts: TemplatePart[];
  /** Set when the template is exactly one interpolation, `"${x}"`: it stands for x itself. */
  wrapped?: Expression;
}

export type TemplatePart =
  | { kind: 'text'; value: string }
  | { kind: 'interp'; expr: Expression }
  | { kind: 'if'; cond: Expression; then: TemplatePart[]; else: TemplatePart[] }
  | { kind: 'for'; key?: string; value: string; coll: Expression; body: TemplatePart[] };

export interface TupleExpr extends ExprBase {
  kind: 'tuple';
  items: Expression[];
}

export interface ObjectExpr extends ExprBase {
  kind: 'object';
  items: { key: Expression; value: Expression }[];
}

export interface UnaryExpr extends ExprBase {
  kind: 'unary';
  op: '-' | '!';
  operand: Expression;
}

export interface ConditionalExpr extends ExprBase {
  kind: 'conditional';
  cond: Expression;
  then: Expression;
  else: Expression;
}

/** Everything the projection renders as `${source}`: calls, operators, traversals, for, splats. */
export interface OtherExpr extends ExprBase {
  kind: 'traversal' | 'call' | 'binary' | 'paren' | 'for' | 'splat' | 'index';
  /** A plain variable traversal (`a.b[0]`): as an object key it projects to its own text. */
  scope?: boolean;
}

export type Expression = LiteralExpr | TemplateExpr | TupleExpr | ObjectExpr | UnaryExpr | ConditionalExpr | OtherExpr;
