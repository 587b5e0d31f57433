// Shapes of the secret routes: names in paths and lists, values only in requests.

import { Type } from '@sinclair/typebox';
import { SecretName } from './common.ts';

export const SecretParams = Type.Object({ key: SecretName }, { additionalProperties: false });
export const SecretBody = Type.Object(
  { value: Type.String({ maxLength: 65536, description: 'The secret value (never returned).' }) },
  { additionalProperties: false },
);
export const SecretRef = Type.Object({ name: Type.String() });
export const SecretList = Type.Object({
  secrets: Type.Array(Type.Object({ name: Type.String() })),
});
