// Maps from one environment variable: JSON or "a=b,c=d"; what does not parse comes back unchanged for validation.
import { describe, expect, it } from 'vitest';
import { parseKeyValueList } from '../../src/core/key-value-list.ts';

describe('parseKeyValueList', () => {
  it('reads JSON and comma-separated pairs, keying on the last "="', () => {
    expect(parseKeyValueList('{"VI.3": 0.8}')).toEqual({ 'VI.3': 0.8 });
    expect(parseKeyValueList(' VI.3=0.8, XIV = 0.95 ,')).toEqual({ 'VI.3': '0.8', XIV: '0.95' });
    expect(parseKeyValueList('cn=faldone=records_manager')).toEqual({ 'cn=faldone': 'records_manager' });
  });

  it('returns what does not parse as it came, and leaves non-strings alone', () => {
    expect(parseKeyValueList('{broken')).toBe('{broken');
    expect(parseKeyValueList('VI.3:0.8')).toBe('VI.3:0.8');
    expect(parseKeyValueList('=0.8')).toBe('=0.8');
    const obj = { a: 'b' };
    expect(parseKeyValueList(obj)).toBe(obj);
  });
});
