// Request and response shapes of source introspection: a source's schemas (PostgreSQL) or
// databases (MySQL/MariaDB), their tables, columns with types, and primary keys.

import { Type } from '@sinclair/typebox';
import { PipelineName } from './common.ts';

export const SourceSchemaParams = Type.Object(
  {
    name: PipelineName,
    source: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$', description: 'Source name.' }),
  },
  { additionalProperties: false },
);

const Names = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100 });

export const SourceSchemaBody = Type.Object(
  {
    connection: Type.Object(
      {
        type: Type.Union([
          Type.Literal('postgresql'),
          Type.Literal('mysql'),
          Type.Literal('mariadb'),
        ]),
        host: Type.String({ minLength: 1, maxLength: 255 }),
        port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
        database: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        user: Type.Optional(Type.String({ maxLength: 256 })),
        password: Type.Optional(
          Type.String({
            maxLength: 1024,
            description: 'The password itself; `${NAME}` secret references are refused here.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    schemas: Type.Optional(Names),
    databases: Type.Optional(Names),
  },
  { additionalProperties: false },
);

const Column = Type.Object({
  name: Type.String(),
  type: Type.String({ description: 'Type as the database spells it.' }),
  nullable: Type.Boolean(),
  primary_key_position: Type.Optional(Type.Integer({ minimum: 1 })),
});

const Table = Type.Object({
  name: Type.String(),
  primary_key: Type.Array(Type.String(), { description: 'Key columns in key order.' }),
  columns: Type.Array(Column),
});

export const SourceSchemaResult = Type.Object({
  source: Type.Optional(Type.String()),
  type: Type.String(),
  namespace_kind: Type.Union([Type.Literal('schema'), Type.Literal('database')]),
  schemas: Type.Array(Type.Object({ name: Type.String(), tables: Type.Array(Table) })),
});
