// The lossless HCL engine: parse to a concrete syntax tree, print it back byte for byte, project it
// to JSON the way hcl2-parser does, and edit it touching only the lines that change.

export type { Attribute, Block, Body, BodyItem, Expression, HclDocument } from './cst.ts';
export { parse } from './parser.ts';
export { print } from './printer.ts';
export { toJson } from './json.ts';
export { commentOut, getValue, locate, removeItem, setAttribute, uncomment } from './edit.ts';
export { applyPhaseEdit, COMMENT_MARKER, type Flavor, PHASE_PLANS, type Phase, SET_MARKER } from './phase.ts';
export { syntaxError } from './syntax-error.ts';
