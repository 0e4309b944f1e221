import { HashinodeError } from '../core/errors.ts';

// hcl2-parser (HashiCorp's HCL compiled to JavaScript) as a second opinion: it is 3.8 MB and slow
// to load, so it is imported only when asked for. It reports bad input as an empty error object,
// and throws (a Go panic) for block shapes hcl2json cannot convert; both become HN_E_HCL_SYNTAX.

type Hcl2Parser = { parseToObject(text: string): [unknown, unknown] };

let loaded: Promise<Hcl2Parser> | undefined;

async function hcl2(): Promise<Hcl2Parser> {
  loaded ??= import('hcl2-parser').then((m) => ((m as { default?: Hcl2Parser }).default ?? m) as Hcl2Parser);
  return loaded;
}

export async function hcl2ParseToObject(text: string, file = '<input>'): Promise<unknown> {
  const parser = await hcl2();
  let result: [unknown, unknown];
  try {
    result = parser.parseToObject(text);
  } catch (err) {
    const reason = String((err as Error)?.message ?? err).split('\n')[0];
    throw new HashinodeError('HN_E_HCL_SYNTAX', `${file}: hcl2-parser cannot convert this file: ${reason}`, { cause: err });
  }
  const [value, error] = result;
  if (error) throw new HashinodeError('HN_E_HCL_SYNTAX', `${file}: hcl2-parser rejects this file (it gives no position)`);
  return value;
}
