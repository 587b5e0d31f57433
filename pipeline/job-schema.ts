// The one schema of RDI job files (`jobs/*.yaml`): TypeScript types, runtime validation with
// RDI's defaults, unknown-key errors and the editor's JSON Schema (job.schema.json). Blocks are
// unions keyed by `uses`; the loader validates each block against its own variant.

import { Type, type StaticDecode, type TSchema } from '@sinclair/typebox';
import { BooleanSetting, Choice, Name } from './config-scalars.ts';

const closed = { additionalProperties: false } as const;

export const EXPRESSION_LANGUAGES = ['jsonata', 'jmespath', 'sql'] as const;

const Language = Choice(EXPRESSION_LANGUAGES, {
  description: 'Expression language: jsonata (default), jmespath, or sql (SQLite expressions).',
});

/** RDI's `cache:` block: results kept per distinct values of the fields an expression reads. */
const Cache = (description: string) =>
  Type.Optional(
    Type.Object(
      {
        enabled: BooleanSetting({ description: 'Turn the cache on.', default: false }),
        max_size: Type.Integer({
          minimum: 1,
          default: 1000,
          description: 'Most entries kept (least recently used go first).',
        }),
        ttl_seconds: Type.Integer({
          minimum: 1,
          default: 60,
          description: 'Seconds an entry stays valid.',
        }),
      },
      { ...closed, description },
    ),
  );

const ExpressionCache = Cache('Caches the result of this expression.');

const ExpressionText = Type.String({
  minLength: 1,
  description: 'An expression evaluated against the record.',
  errorMessage: 'must be a non-empty expression',
});

/** `{expression, language}`, as used by keys, filters, expire and lookups. */
const Expression = (description: string) =>
  Type.Object(
    { expression: ExpressionText, language: Type.Optional(Language), cache: ExpressionCache },
    {
      ...closed,
      description,
    },
  );

const FieldPath = (description: string) =>
  Type.String({ minLength: 1, description, errorMessage: 'must be a non-empty field path' });

const AddFieldItem = Type.Object(
  {
    field: FieldPath('Field to set; dots reach into nested objects (`after.x` with full rows).'),
    expression: ExpressionText,
    language: Type.Optional(Language),
    cache: ExpressionCache,
  },
  closed,
);

const AddField = Type.Object(
  {
    uses: Type.Literal('add_field'),
    with: Type.Object(
      {
        field: Type.Optional(AddFieldItem.properties.field),
        expression: Type.Optional(ExpressionText),
        language: Type.Optional(Language),
        cache: ExpressionCache,
        fields: Type.Optional(Type.Array(AddFieldItem, { minItems: 1 })),
      },
      { ...closed, description: 'Either `field` + `expression`, or a list of `fields`.' },
    ),
  },
  { ...closed, description: 'Adds (or overwrites) fields computed by expressions.' },
);

const RemoveField = Type.Object(
  {
    uses: Type.Literal('remove_field'),
    with: Type.Object(
      {
        field: Type.Optional(FieldPath('Field to remove.')),
        fields: Type.Optional(
          Type.Array(Type.Object({ field: FieldPath('Field to remove.') }, closed), {
            minItems: 1,
          }),
        ),
      },
      { ...closed, description: 'Either `field`, or a list of `fields`.' },
    ),
  },
  { ...closed, description: 'Removes fields from the record.' },
);

const RenameItem = Type.Object(
  { from_field: FieldPath('Field to rename.'), to_field: FieldPath('Its new name.') },
  closed,
);

const RenameField = Type.Object(
  {
    uses: Type.Literal('rename_field'),
    with: Type.Object(
      {
        from_field: Type.Optional(RenameItem.properties.from_field),
        to_field: Type.Optional(RenameItem.properties.to_field),
        fields: Type.Optional(Type.Array(RenameItem, { minItems: 1 })),
      },
      { ...closed, description: 'Either `from_field` + `to_field`, or a list of `fields`.' },
    ),
  },
  { ...closed, description: 'Renames (moves) fields.' },
);

const Filter = Type.Object(
  { uses: Type.Literal('filter'), with: Expression('Keeps the record when this is true.') },
  { ...closed, description: 'Drops records for which the expression is not true.' },
);

const Map = Type.Object(
  {
    uses: Type.Literal('map'),
    with: Type.Object(
      {
        expression: Type.Union(
          [ExpressionText, Type.Record(Type.String({ minLength: 1 }), ExpressionText)],
          {
            description: 'One expression building the new record, or one expression per field.',
            errorMessage: 'must be an expression or a mapping of field names to expressions',
          },
        ),
        language: Type.Optional(Language),
        cache: ExpressionCache,
      },
      closed,
    ),
  },
  { ...closed, description: 'Replaces the record with a new shape.' },
);

const RedisLookup = Type.Object(
  {
    uses: Type.Literal('redis.lookup'),
    with: Type.Object(
      {
        connection: Name('Target connection to read from.'),
        cmd: Name('Read-only Redis command, e.g. GET, HGETALL, SMEMBERS.'),
        args: Type.Array(ExpressionText, {
          description: 'Expressions giving the command arguments.',
        }),
        language: Type.Optional(Language),
        field: FieldPath('Field that receives the reply.'),
        cache: Cache('Caches the values of the argument expressions.'),
        lookup_cache: Cache(
          'Caches the reply of Redis, per distinct command, across batches (replies may be stale for up to ttl_seconds).',
        ),
        batch: Type.Optional(
          Type.Object(
            {
              size: Type.Optional(Type.Integer({ minimum: 1, description: 'Lookups per batch.' })),
              timeout_ms: Type.Optional(
                Type.Integer({ minimum: 1, description: 'Longest wait for a batch to fill.' }),
              ),
            },
            {
              ...closed,
              description:
                'RDI Flink processor: batching of lookups. Accepted; Sluice runs the lookups of a record as it processes it.',
            },
          ),
        ),
      },
      closed,
    ),
  },
  { ...closed, description: 'Reads a value from Redis into a field.' },
);

export const TRANSFORM_BLOCKS = {
  add_field: AddField,
  remove_field: RemoveField,
  rename_field: RenameField,
  filter: Filter,
  map: Map,
  'redis.lookup': RedisLookup,
} as const satisfies Record<string, TSchema>;

export const DATA_TYPES = ['hash', 'json', 'set', 'sorted_set', 'stream', 'string'] as const;

const MappingItem = Type.Union(
  [
    FieldPath('Field to write under its own name.'),
    Type.Record(Type.String({ minLength: 1 }), FieldPath('Name (JSON: dotted path) to write.'), {
      minProperties: 1,
      maxProperties: 1,
    }),
  ],
  {
    description: '`field`, or `field: alias`.',
    errorMessage: 'must be a field name or a one-entry mapping `field: alias`',
  },
);

const Nest = Type.Object(
  {
    parent: Type.Object(
      {
        server_name: Type.Optional(Name('Source of the parent table.')),
        schema: Type.Optional(Name('Schema of the parent table.')),
        table: Name('Parent table; its documents are keyed `<table>:<parent_key>:<value>`.'),
      },
      closed,
    ),
    nesting_key: Name('Child field whose value names the child entry.'),
    parent_key: Name("Parent's key column."),
    child_key: Type.Optional(Name('Child field holding the parent key (default: parent_key).')),
    path: Type.String({
      pattern: '^\\$(\\.[A-Za-z_][A-Za-z0-9_]*)+$',
      description: 'Where child entries live in the parent document, e.g. `$.lines`.',
      errorMessage: 'must be a JSON path like $.lines',
    }),
    structure: Choice(['map'], { description: 'Children stored as a map.', default: 'map' }),
  },
  { ...closed, description: "Writes child rows into their parent's JSON document." },
);

const RedisWrite = Type.Object(
  {
    uses: Type.Literal('redis.write'),
    with: Type.Object(
      {
        connection: Type.String({
          minLength: 1,
          default: 'target',
          description: 'Target connection to write to (a key of config.yaml targets).',
          errorMessage: 'must be a non-empty string',
        }),
        data_type: Type.Optional(
          Choice(DATA_TYPES, { description: 'Default: processors.target_data_type.' }),
        ),
        key: Type.Optional(Expression('Key of the target; default `<table>:<pk>:<value>`.')),
        args: Type.Optional(
          Type.Object(
            {
              member: Type.Optional(ExpressionText),
              score: Type.Optional(ExpressionText),
              value: Type.Optional(ExpressionText),
              language: Type.Optional(Language),
            },
            { ...closed, description: 'set: member; sorted_set: score, member; string: value.' },
          ),
        ),
        mapping: Type.Optional(
          Type.Array(MappingItem, { minItems: 1, description: 'Fields to write.' }),
        ),
        on_update: Type.Optional(
          Choice(['replace', 'merge'], {
            description: 'hash/json: replace the value or merge into it.',
          }),
        ),
        expire: Type.Optional(
          Type.Union([Type.Integer({ minimum: 1 }), Expression('Seconds to live, computed.')], {
            description: 'Seconds to live: a number or an expression.',
            errorMessage: 'must be a whole number of seconds or {expression, language}',
          }),
        ),
        nest: Type.Optional(Nest),
      },
      closed,
    ),
  },
  { ...closed, description: 'Writes the record to a target Redis.' },
);

export const OUTPUT_BLOCKS = { 'redis.write': RedisWrite } as const satisfies Record<
  string,
  TSchema
>;

const TestRow = Type.Record(Type.String(), Type.Unknown());

const TestCase = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'What the test shows.' }),
    input: Type.Array(
      Type.Object(
        {
          op: Choice(['c', 'u', 'd', 'r'], { description: 'Change kind.', default: 'c' }),
          key: TestRow,
          before: Type.Optional(Type.Union([TestRow, Type.Null()])),
          after: Type.Optional(Type.Union([TestRow, Type.Null()])),
          server_name: Type.Optional(Name('Source name (default: the job source).')),
          db: Type.Optional(Name('Database (default: the job source).')),
          schema: Type.Optional(Name('Schema (default: the job source).')),
          table: Type.Optional(Name('Table (default: the job source).')),
        },
        closed,
      ),
      { minItems: 1, description: 'Change events, in order.' },
    ),
    lookups: Type.Optional(
      Type.Array(
        Type.Object(
          {
            connection: Type.Optional(Name('Connection (default: any).')),
            command: Type.Array(Type.String(), { minItems: 1 }),
            reply: Type.Unknown(),
          },
          closed,
        ),
        { description: 'Replies of redis.lookup commands.' },
      ),
    ),
    expect: Type.Object(
      {
        records: Type.Optional(
          Type.Array(Type.Unknown(), {
            description: 'Transformed records (filtered ones omitted).',
          }),
        ),
        commands: Type.Optional(
          Type.Array(Type.Array(Type.String()), { description: 'Redis commands, in order.' }),
        ),
        rejected: Type.Optional(
          Type.Array(Type.String(), { description: 'Error codes of rejected inputs, in order.' }),
        ),
      },
      closed,
    ),
  },
  { ...closed, description: 'A job test: input events and what they must produce.' },
);

export const TestCasesSchema = Type.Array(TestCase, { description: 'Job tests.' });

const SourceFilter = Type.Object(
  {
    server_name: Type.Optional(Name('Source name (the `<source>` of the stream name).')),
    db: Type.Optional(Name('Database.')),
    schema: Type.Optional(Name('Schema.')),
    table: Name('Table, or "*" for the default job.'),
    row_format: Choice(['partial', 'full'], {
      description: 'partial: the row; full: key, before, after, opcode, db, schema, table.',
      default: 'partial',
    }),
    case_insensitive: BooleanSetting({
      description: 'Match names ignoring case.',
      default: true,
    }),
  },
  { ...closed, description: 'Which change events the job handles.' },
);

/** The job file, with blocks given as `block` (full unions, or shallow shapes for dispatch). */
export function jobFileSchema<T extends TSchema, O extends TSchema>(block: {
  transform: T;
  output: O;
}) {
  return Type.Object(
    {
      name: Type.Optional(Name('Job name (default: the file name).')),
      source: SourceFilter,
      transform: Type.Optional(Type.Array(block.transform, { description: 'Transform steps.' })),
      output: Type.Optional(Type.Array(block.output, { description: 'Outputs.' })),
      tests: Type.Optional(TestCasesSchema),
    },
    { ...closed, description: 'An RDI job file.' },
  );
}

export const JobFileSchema = jobFileSchema({
  transform: Type.Union([AddField, RemoveField, RenameField, Filter, Map, RedisLookup]),
  output: RedisWrite,
});

/** Shallow block shape for the first pass; each block is then checked by its own variant. */
export const BlockShape = (uses: readonly string[]) =>
  Type.Object(
    {
      uses: Choice(uses as [string, ...string[]], { description: 'Block kind.' }),
      with: Type.Unknown(),
    },
    closed,
  );

export type JobFileData = StaticDecode<typeof JobFileSchema>;
export type TransformBlock = NonNullable<JobFileData['transform']>[number];
export type OutputBlock = NonNullable<JobFileData['output']>[number];
export type RedisWriteOptions = OutputBlock['with'];
export type NestOptions = NonNullable<RedisWriteOptions['nest']>;
export type TestCase = StaticDecode<typeof TestCase>;
export type ExpressionLanguage = (typeof EXPRESSION_LANGUAGES)[number];
export type DataType = (typeof DATA_TYPES)[number];
