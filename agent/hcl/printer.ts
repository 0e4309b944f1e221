import type { Body, BodyItem, HclDocument } from './cst.ts';

// Printing concatenates the pieces the parser kept; nothing is re-formatted, so an unedited tree
// prints to its input byte for byte.

export function print(doc: HclDocument): string {
  return printBody(doc.body);
}

export function printBody(body: Body): string {
  let out = '';
  for (const item of body.items) out += printItem(item);
  return out + body.trailing;
}

export function printItem(item: BodyItem): string {
  if (item.kind === 'attribute') {
    return `${item.leading}${item.name}${item.beforeEquals}=${item.afterEquals}${item.raw}${item.tail}`;
  }
  let head = item.leading + item.type;
  for (const label of item.labels) head += label.leading + label.raw;
  return `${head}${item.beforeBrace}{${printBody(item.body)}}${item.tail}`;
}
