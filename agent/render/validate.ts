import { HashinodeError, isHashinodeError } from '../core/errors.ts';
import { parse } from '../hcl/index.ts';
import { hcl2ParseToObject } from '../hcl/oracle.ts';

// Every rendered HCL file is read back before it is written, by two independent readers: our own
// parser (agent/hcl) and hcl2-parser (HashiCorp's HCL compiled to JS, loaded on first use). A file
// either one rejects is not written.

function invalid(file: string, err: unknown): HashinodeError {
  const reason = isHashinodeError(err) || err instanceof Error ? err.message : String(err);
  return new HashinodeError('HN_E_RENDER_INVALID', `rendered ${file} is not valid HCL: ${reason}; nothing was written`, {
    cause: err,
    details: { file },
  });
}

/** hcl2-parser's object for `text`; HN_E_RENDER_INVALID naming `file` when it does not parse. */
export async function parseWithHcl2(text: string, file: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = await hcl2ParseToObject(text, file);
  } catch (err) {
    throw invalid(file, err);
  }
  if (value === null || typeof value !== 'object') throw invalid(file, new Error('hcl2-parser returned no object'));
  return value as Record<string, unknown>;
}

/** Checks a rendered HCL file with both parsers. */
export async function validateHcl(text: string, file: string): Promise<void> {
  try {
    parse(text, file);
  } catch (err) {
    throw invalid(file, err);
  }
  await parseWithHcl2(text, file);
}
