package io.sluice.debezium;

import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Adds one string field, {@value #FIELD}, to every Debezium change event: the compact type
 * descriptor of the row (and, after a '~', of the key), see {@link TypeDescriptor}. With the JSON
 * converter's schemas off, it is all the type information an entry carries: ~100 bytes instead
 * of a ~3 KB schema repeated in every entry. It also drops metadata that no reader uses (see
 * {@link #DROPPED_SOURCE_FIELDS}) and Debezium's context headers but the run id. Records that are no change event of a row (heartbeats,
 * MongoDB's documents held as JSON text) pass unchanged: their values need no descriptor.
 */
public final class TypeDescriptorTransform<R extends ConnectRecord<R>> implements Transformation<R> {
    static final String FIELD = "__sluice_types";
    /**
     * Metadata no reader of the entries uses (the processor reads op, ts_ms and the source's
     * ts_ms, snapshot, db, schema and table), dropped to keep entries small: every entry
     * repeats it. Positions (lsn, txId, gtid, file, pos…) stay for diagnosis.
     */
    private static final Set<String> DROPPED_ENVELOPE_FIELDS = Set.of("ts_us", "ts_ns");
    private static final Set<String> DROPPED_SOURCE_FIELDS = Set.of("version", "connector", "name",
            "ts_us", "ts_ns", "sequence", "xmin", "origin", "origin_lsn");
    private static final String CONTEXT_HEADER_PREFIX = "__debezium.context.";
    private static final String RUN_ID_HEADER = "__debezium.context.runid";
    /** Schema objects live as long as their table version: a bound only against schema churn. */
    private static final int CACHE_LIMIT = 1024;

    private record Extended(Schema keySchema, Schema envelope, String descriptor) {
    }

    private final Map<Schema, Extended> cache = new IdentityHashMap<>();

    @Override
    public R apply(R record) {
        Schema valueSchema = record.valueSchema();
        if (!(record.value() instanceof Struct value) || !isEnvelope(valueSchema)) {
            return record;
        }
        Extended extended = extended(valueSchema, record.keySchema());
        Struct out = new Struct(extended.envelope());
        for (Field field : extended.envelope().fields()) {
            String name = field.name();
            if (name.equals(FIELD)) {
                out.put(field, extended.descriptor());
            }
            else if (name.equals("source") && value.get(name) instanceof Struct source) {
                out.put(field, trimmedSource(source, field.schema()));
            }
            else {
                out.put(field, value.get(name));
            }
        }
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(),
                record.key(), extended.envelope(), out, record.timestamp(), keptHeaders(record.headers()));
    }

    private static Struct trimmedSource(Struct source, Schema trimmed) {
        if (source.schema() == trimmed) {
            return source;
        }
        Struct out = new Struct(trimmed);
        for (Field field : trimmed.fields()) {
            out.put(field, source.get(field.name()));
        }
        return out;
    }

    /** Debezium's context headers but the run id (the processor's snapshot sweep reads it). */
    private static Headers keptHeaders(Headers headers) {
        ConnectHeaders kept = new ConnectHeaders();
        for (Header header : headers) {
            String key = header.key().toLowerCase(Locale.ROOT);
            if (!key.startsWith(CONTEXT_HEADER_PREFIX) || key.equals(RUN_ID_HEADER)) {
                kept.add(header);
            }
        }
        return kept;
    }

    private static boolean isEnvelope(Schema schema) {
        return schema != null && schema.type() == Schema.Type.STRUCT && schema.field("op") != null
                && schema.field(FIELD) == null && rowSchema(schema) != null;
    }

    private static Schema rowSchema(Schema envelope) {
        Field after = envelope.field("after");
        if (after != null && after.schema().type() == Schema.Type.STRUCT) {
            return after.schema();
        }
        Field before = envelope.field("before");
        return before != null && before.schema().type() == Schema.Type.STRUCT ? before.schema() : null;
    }

    private synchronized Extended extended(Schema valueSchema, Schema keySchema) {
        Extended known = cache.get(valueSchema);
        if (known != null && known.keySchema() == keySchema) {
            return known;
        }
        Schema row = rowSchema(valueSchema);
        StringBuilder descriptor = new StringBuilder(TypeDescriptor.of(row));
        if (keySchema != null && keySchema.type() == Schema.Type.STRUCT) {
            descriptor.append('~').append(TypeDescriptor.of(keySchema));
        }
        SchemaBuilder builder = copyOf(valueSchema);
        for (Field field : valueSchema.fields()) {
            if (DROPPED_ENVELOPE_FIELDS.contains(field.name())) {
                continue;
            }
            Schema schema = field.schema();
            if (field.name().equals("source") && schema.type() == Schema.Type.STRUCT) {
                schema = trimmedSourceSchema(schema);
            }
            builder.field(field.name(), schema);
        }
        builder.field(FIELD, Schema.STRING_SCHEMA);
        Extended made = new Extended(keySchema, builder.build(), descriptor.toString());
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(valueSchema, made);
        return made;
    }

    private static SchemaBuilder copyOf(Schema struct) {
        SchemaBuilder builder = SchemaBuilder.struct().name(struct.name());
        if (struct.version() != null) {
            builder.version(struct.version());
        }
        if (struct.isOptional()) {
            builder.optional();
        }
        return builder;
    }

    private static Schema trimmedSourceSchema(Schema source) {
        SchemaBuilder builder = copyOf(source);
        for (Field field : source.fields()) {
            if (!DROPPED_SOURCE_FIELDS.contains(field.name())) {
                builder.field(field.name(), field.schema());
            }
        }
        return builder.build();
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public synchronized void close() {
        cache.clear();
    }
}
