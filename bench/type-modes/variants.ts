// The Debezium type modes compared by the type-mode measurement: property overrides added to
// the properties Sluice renders. `schemas` is Debezium's default (value schemas in each entry).

export const TYPE_MODE_VARIANTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  /** (a) value schemas in each entry, Debezium's default type modes. */
  schemas: {},
  /** (b) self-describing values: no value schema, strings for decimals, times, intervals. */
  selfdescribing: {
    'debezium.format.value.schemas.enable': 'false',
    'debezium.source.time.precision.mode': 'isostring',
    'debezium.source.decimal.handling.mode': 'string',
    'debezium.source.interval.handling.mode': 'string',
    'debezium.source.binary.handling.mode': 'base64',
  },
  /** (c) value schemas kept, but decimals and intervals as strings (exact NaN, ±Infinity, months). */
  hybrid: {
    'debezium.source.decimal.handling.mode': 'string',
    'debezium.source.interval.handling.mode': 'string',
  },
};
