// Short-lived API tokens: HS256 JWTs signed and checked with jose. Only HS256 is accepted
// (so `alg: none` and key-confusion tokens fail), and expiry is judged by the injected clock.

import { errors, jwtVerify, SignJWT } from 'jose';
import { SluiceError } from '../../common/errors.ts';
import type { Clock } from '../../processor/ports.ts';
import type { TokenSettings } from '../deps.ts';

const ISSUER = 'sluice';
const AUDIENCE = 'sluice-api';

export interface IssuedToken {
  readonly token: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

export async function issueToken(
  username: string,
  settings: TokenSettings,
  clock: Clock,
): Promise<IssuedToken> {
  const now = Math.floor(clock.now() / 1000);
  const expiresAt = now + settings.ttlSeconds;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(username)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .setJti(crypto.randomUUID())
    .sign(settings.secret);
  return { token, expiresAt };
}

/** The user name the token was issued to; throws AUTH_TOKEN_INVALID or AUTH_TOKEN_EXPIRED. */
export async function verifyToken(
  token: string,
  settings: TokenSettings,
  clock: Clock,
): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, settings.secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(clock.now()),
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (payload.sub === undefined) throw new Error('no subject');
    return payload.sub;
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new SluiceError('AUTH_TOKEN_EXPIRED', 'The token has expired.', {
        hint: 'log in again (POST /api/v1/login)',
      });
    }
    throw new SluiceError('AUTH_TOKEN_INVALID', 'The token is not valid.', {
      hint: 'log in again (POST /api/v1/login)',
    });
  }
}
