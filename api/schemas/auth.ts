// Shapes of the open routes: the login exchange and the server's identity.

import { Type } from '@sinclair/typebox';

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 256 }),
    password: Type.String({ maxLength: 4096 }),
  },
  { additionalProperties: false },
);

export const LoginResult = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds.' }),
  expires_at: Type.Integer({ description: 'Seconds since the epoch.' }),
});

export const Info = Type.Object({
  name: Type.Literal('sluice'),
  version: Type.String(),
  api_versions: Type.Array(Type.String()),
});
