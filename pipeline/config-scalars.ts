// Scalar building blocks of the pipeline schemas. Integers and booleans also accept their text
// form, because a `${NAME}` reference always resolves to a string (RDI accepts both too); the
// decoded value is a real number or boolean.

import { Type, type TEnum } from '@sinclair/typebox';

/** A `${NAME}` reference, resolved from secrets or the environment before validation. */
export const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const REFERENCE_SOURCE = '\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}';

interface SettingOptions<T> {
  readonly description: string;
  readonly default?: T;
}

interface IntegerOptions extends SettingOptions<number> {
  readonly minimum: number;
  readonly maximum?: number;
}

/** Rejection inside a decoder; the loader turns it into a located config error. */
export class SettingDecodeError extends Error {}

export function IntegerSetting(options: IntegerOptions) {
  const { minimum, maximum } = options;
  const range = maximum === undefined ? `${minimum} or more` : `from ${minimum} to ${maximum}`;
  const errorMessage = `must be an integer, ${range}`;
  const encoded = Type.Union(
    [
      Type.Integer({ minimum, ...(maximum === undefined ? {} : { maximum }) }),
      Type.String({ pattern: `^(?:[0-9]+|${REFERENCE_SOURCE})$` }),
    ],
    {
      description: options.description,
      errorMessage,
      ...(options.default === undefined ? {} : { default: options.default }),
    },
  );
  return Type.Transform(encoded)
    .Decode((value): number => {
      const number = typeof value === 'number' ? value : Number(value);
      const inRange = number >= minimum && (maximum === undefined || number <= maximum);
      if (!Number.isSafeInteger(number) || !inRange) throw new SettingDecodeError(errorMessage);
      return number;
    })
    .Encode((value): number => value);
}

export function PortSetting(description: string) {
  return IntegerSetting({ description, minimum: 1, maximum: 65535 });
}

export function BooleanSetting(options: SettingOptions<boolean>) {
  const errorMessage = 'must be true or false';
  const encoded = Type.Union(
    [Type.Boolean(), Type.String({ pattern: `^(?:true|false|${REFERENCE_SOURCE})$` })],
    {
      description: options.description,
      errorMessage,
      ...(options.default === undefined ? {} : { default: options.default }),
    },
  );
  return Type.Transform(encoded)
    .Decode((value): boolean => {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new SettingDecodeError(errorMessage);
    })
    .Encode((value): boolean => value);
}

/** One of a fixed set of words (an enum), with an optional default. */
export function Choice<const T extends readonly [string, ...string[]]>(
  values: T,
  options: SettingOptions<T[number]>,
): TEnum<{ [K in T[number]]: K }> {
  const members = Object.fromEntries(values.map((value) => [value, value])) as {
    [K in T[number]]: K;
  };
  return Type.Enum(members, {
    description: options.description,
    errorMessage: `must be one of: ${values.join(', ')}`,
    ...(options.default === undefined ? {} : { default: options.default }),
  });
}

/** A non-empty name: column, key column, schema, database. */
export function Name(description: string) {
  return Type.String({ minLength: 1, description, errorMessage: 'must be a non-empty string' });
}
