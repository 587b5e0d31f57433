// The Debezium type modes compared by the type-mode measurement: property overrides added to
// the properties Sluice renders (which are those of `compact`). Each variant sets the converter
// settings it depends on, so that it stays what it names whatever Sluice renders.

const SCHEMAS_ON = {
  'debezium.format.value.schemas.enable': 'true',
  'debezium.format.key.schemas.enable': 'true',
  'debezium.format.header.schemas.enable': 'true',
  'debezium.transforms': 'sluicestreams',
  'debezium.source.converters': '',
  'debezium.source.sluicevarbit.type': '',
  'debezium.transforms.sluicetypes.type': '',
};

export const TYPE_MODE_VARIANTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  /** (a) value schemas in each entry, Debezium's default type modes. */
  schemas: {
    ...SCHEMAS_ON,
    'debezium.source.decimal.handling.mode': 'precise',
    'debezium.source.interval.handling.mode': 'numeric',
  },
  /** (b) self-describing values: no value schema, strings for decimals, times, intervals. */
  selfdescribing: {
    ...SCHEMAS_ON,
    'debezium.format.value.schemas.enable': 'false',
    'debezium.source.time.precision.mode': 'isostring',
    'debezium.source.decimal.handling.mode': 'string',
    'debezium.source.interval.handling.mode': 'string',
    'debezium.source.binary.handling.mode': 'base64',
  },
  /** (c) value schemas kept, but decimals and intervals as strings (exact NaN, ±Infinity, months). */
  hybrid: {
    ...SCHEMAS_ON,
    'debezium.source.decimal.handling.mode': 'string',
    'debezium.source.interval.handling.mode': 'string',
  },
  /**
   * (d) what Sluice renders: schemas off, decimals and intervals as strings, Sluice's compact
   * type descriptor (collector/java) in each entry, bit varying as its actual bits.
   */
  compact: {},
};
