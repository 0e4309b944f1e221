import fc from 'fast-check';
import hcl2 from 'hcl2-parser';
import { describe, expect, it } from 'vitest';
import { UnsafeValueError, confWord, dnsName, dnsNames, hclList, hclMap, hclScalar, hclString, ipAddress, port } from '../../../agent/render/escape.ts';

function readBack(literal: string): unknown {
  const [result, error] = hcl2.parseToObject(`v = ${literal}\n`);
  expect(error, literal).toBeNull();
  return (result as { v: unknown }).v;
}

describe('hclString', () => {
  it.each([
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ['back\\slash', '"back\\\\slash"'],
    ['line\nbreak', '"line\\nbreak"'],
    ['cr\rtab\t', '"cr\\rtab\\t"'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal HCL interpolation sequence is the input under test
    ['${var.x}', '"\\u0024{var.x}"'],
    ['%{ if true }', '"\\u0025{ if true }"'],
    ['$$ and % alone', '"$$ and % alone"'],
    ['bell\u0007del\u007f', '"bell\\u0007del\\u007f"'],
  ])('%j is written as %s', (value, literal) => {
    expect(hclString(value)).toBe(literal);
  });

  it.each([
    'x"\nmalicious = true\ny = "',
    '"} \n server = true #',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal HCL interpolation sequence is the input under test
    '${file("/etc/shadow")}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal HCL interpolation sequence is the input under test
    '%{ for x in y }${x}%{ endfor }',
    'a\\"b',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal HCL interpolation sequence is the input under test
    '\\${x}',
    '$${x}',
    'é 😀 \u2028',
  ])('hostile value %j reads back as itself and adds no attribute', (value) => {
    const [result, error] = hcl2.parseToObject(`v = ${hclString(value)}\n`);
    expect(error).toBeNull();
    expect(result).toEqual({ v: value });
  });

  it('any string reads back exactly (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 40 }), fc.string({ maxLength: 20 }), (a, b) => {
        const value = `${a}\${${b}%{`;
        // HCL 2 reads string literals in Unicode NFC; hclString writes them so.
        expect(readBack(hclString(value))).toBe(value.normalize('NFC'));
        expect(readBack(hclString(a))).toBe(a.normalize('NFC'));
      }),
      { numRuns: 300 },
    );
  });

  it('writes Unicode in NFC, the form HCL 2 reads, so HCL 1 and HCL 2 agree', () => {
    const decomposed = 'e\u0301';
    expect(hclString(decomposed)).toBe('"\u00e9"');
    expect(readBack(hclString(decomposed))).toBe('\u00e9');
  });

  it('refuses lone surrogates, which UTF-8 cannot carry', () => {
    expect(() => hclString('a\uD800b')).toThrow(UnsafeValueError);
  });
});

describe('hclScalar, hclList, hclMap', () => {
  it('prints numbers and booleans raw, strings quoted, and nothing else', () => {
    expect(hclScalar(3)).toBe('3');
    expect(hclScalar(false)).toBe('false');
    expect(hclScalar('3')).toBe('"3"');
    for (const bad of [null, undefined, {}, [], Number.NaN, Number.POSITIVE_INFINITY]) expect(() => hclScalar(bad)).toThrow(UnsafeValueError);
  });

  it('lists and maps read back with the same values', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal HCL interpolation sequence is the input under test
    const list = ['provider=aws tag_key=k tag_value=v', 'a"b', '${x}'];
    expect(readBack(hclList(list))).toEqual(list);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal HCL interpolation sequence is the input under test
    const map = { team: 'x"y', 'rack.zone': '${z}', 'key with space': 'v\n' };
    expect(readBack(hclMap(map))).toEqual(map);
    expect(hclMap({})).toBe('{}');
    expect(() => hclList('a')).toThrow(UnsafeValueError);
    expect(() => hclMap(['a'])).toThrow(UnsafeValueError);
  });
});

describe('line-file values', () => {
  it.each(['127.0.0.1', '169.254.169.253', '::1', 'fd00:ec2::253', '2001:db8::1:2', '::ffff:10.0.0.1'])('%s is an IP address', (v) => {
    expect(ipAddress(v)).toBe(v);
  });
  it.each(['', '256.1.1.1', '1.2.3', '1.2.3.4\nserver=8.8.8.8', '1.2.3.4 ', 'localhost', ':::1', '1::2::3', 42])('%j is not an IP address', (v) => {
    expect(() => ipAddress(v)).toThrow(UnsafeValueError);
  });
  it.each(['consul', 'eu-west-1.compute.internal', 'a.b.', 'x1-y2'])('%s is a DNS name', (v) => {
    expect(dnsName(v)).toBe(v);
  });
  it.each(['', 'bad name', 'evil\nnameserver 6.6.6.6', '-lead', 'trail-', 'a..b', 'a_b', 'x'.repeat(64)])('%j is not a DNS name', (v) => {
    expect(() => dnsName(v)).toThrow(UnsafeValueError);
  });
  it('joins search domains with spaces, refusing any bad one', () => {
    expect(dnsNames(['a.b', 'consul'])).toBe('a.b consul');
    expect(() => dnsNames(['a.b', 'c d'])).toThrow(UnsafeValueError);
  });
  it('ports and plain words', () => {
    expect(port(8600)).toBe('8600');
    for (const bad of [0, 65536, 1.5, '53']) expect(() => port(bad)).toThrow(UnsafeValueError);
    expect(confWord('abc-1.2:3')).toBe('abc-1.2:3');
    for (const bad of ['a b', 'a\nb', 'a#b', '', 'a=b']) expect(() => confWord(bad)).toThrow(UnsafeValueError);
  });
});
