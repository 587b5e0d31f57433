// The redactor hides every stored value in each spelling a message may quote it in.
import { describe, expect, it } from 'vitest';
import { REDACTED_VALUE, secretRedactor } from './redact-secrets.ts';

describe('secretRedactor', () => {
  const redact = secretRedactor(['Db.Secret-Host', 'p"w\\1', 'a b/c', '']);

  it.each([
    ['cannot resolve host name Db.Secret-Host', `cannot resolve host name ${REDACTED_VALUE}`],
    ['getaddrinfo ENOTFOUND db.secret-host', `getaddrinfo ENOTFOUND ${REDACTED_VALUE}`],
    ['{"password":"p\\"w\\\\1"}', `{"password":"${REDACTED_VALUE}"}`],
    ['redis://u:a%20b%2Fc@h', `redis://u:${REDACTED_VALUE}@h`],
    ['nothing secret here', 'nothing secret here'],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('leaves text alone when there are no secrets', () => {
    expect(secretRedactor([])('text')).toBe('text');
  });
});
