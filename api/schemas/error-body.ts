// The JSON body of every error response: a catalogue code, a message a user can act on, the
// field path when a request field or config key is at fault, and for pipeline validation the
// full list of problems with file:line:column.

import { Type, type Static } from '@sinclair/typebox';

export const Problem = Type.Object({
  code: Type.String(),
  message: Type.String(),
  path: Type.Optional(Type.String({ description: 'Dotted path of the field or config key.' })),
  file: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.Integer()),
  hint: Type.Optional(Type.String()),
});
export type Problem = Static<typeof Problem>;

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Stable error code from the catalogue.' }),
    message: Type.String(),
    path: Type.Optional(Type.String({ description: 'Dotted path of the offending field.' })),
    retryable: Type.Boolean(),
    problems: Type.Optional(Type.Array(Problem)),
  },
  { description: 'An error.' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** Response schemas for the error statuses every route may return. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  414: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
} as const;

/** For routes that reach another server (connection tests, introspection): its failure. */
export const connectionErrorResponses = { 502: ErrorBody } as const;
