// How a failed first connection to the RDI database becomes a coded error: TLS problems name
// the setting to fix and are not retryable; the URL's credentials never appear.
import { describe, expect, it } from 'vitest';
import { rdiConnectionFailure } from './rdi-connect.ts';

const TLS_URL = 'rediss://op:s3cret@rdi.example:6380';
const PLAIN_URL = 'redis://op:s3cret@rdi.example:6379';

function nodeError(code: string, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { code });
}

describe('rdiConnectionFailure', () => {
  it.each([
    ['SELF_SIGNED_CERT_IN_CHAIN', 'SLUICE_RDI_CACERT', 'not trusted'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SLUICE_RDI_CACERT', 'not trusted'],
    ['CERT_HAS_EXPIRED', 'SLUICE_RDI_CACERT', 'not trusted'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'SLUICE_RDI_URL', 'does not name rdi.example:6380'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'SLUICE_RDI_CERT', 'client certificate'],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'SLUICE_RDI_CERT', 'client certificate'],
    ['ECONNRESET', 'SLUICE_RDI_CERT', 'client certificate'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'SLUICE_RDI_URL', 'does not speak TLS'],
  ])('%s over TLS is RDI_DB_TLS at %s', (code, path, text) => {
    const error = rdiConnectionFailure(nodeError(code), TLS_URL);
    expect(error).toMatchObject({ code: 'RDI_DB_TLS', path, retryable: false });
    expect(error.message).toContain(text);
    expect(error.message).toContain(code);
    expect(error.message).not.toContain('s3cret');
  });

  it('a plaintext connection closed by the server points at rediss://', () => {
    for (const error of [nodeError('ECONNRESET'), new Error('Connection is closed.')]) {
      const failure = rdiConnectionFailure(error, PLAIN_URL);
      expect(failure).toMatchObject({ code: 'RDI_DB_UNAVAILABLE', path: 'SLUICE_RDI_URL' });
      expect(failure.hint).toContain('rediss://');
      expect(failure.message).not.toContain('s3cret');
    }
  });

  it('an unreachable database is RDI_DB_UNAVAILABLE, retryable', () => {
    const failure = rdiConnectionFailure(
      nodeError('ECONNREFUSED', 'connect ECONNREFUSED'),
      TLS_URL,
    );
    expect(failure).toMatchObject({ code: 'RDI_DB_UNAVAILABLE', retryable: true });
    expect(failure.message).toContain('rdi.example:6380');
  });
});
