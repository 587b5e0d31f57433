package io.sluice.debezium;

import java.util.IdentityHashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Adds one string field, {@value #FIELD}, to every Debezium change event: the compact type
 * descriptor of the row (and, after a '~', of the key), see {@link TypeDescriptor}. With the JSON
 * converter's schemas off, it is all the type information an entry carries: ~100 bytes instead
 * of a ~3 KB schema repeated in every entry. Records that are no change event of a row (heartbeats,
 * MongoDB's documents held as JSON text) pass unchanged: their values need no descriptor.
 */
public final class TypeDescriptorTransform<R extends ConnectRecord<R>> implements Transformation<R> {
    static final String FIELD = "__sluice_types";
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
        for (Field field : valueSchema.fields()) {
            out.put(field.name(), value.get(field));
        }
        out.put(FIELD, extended.descriptor());
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(),
                record.key(), extended.envelope(), out, record.timestamp(), record.headers());
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
        SchemaBuilder builder = SchemaBuilder.struct().name(valueSchema.name());
        if (valueSchema.version() != null) {
            builder.version(valueSchema.version());
        }
        for (Field field : valueSchema.fields()) {
            builder.field(field.name(), field.schema());
        }
        builder.field(FIELD, Schema.STRING_SCHEMA);
        Extended made = new Extended(keySchema, builder.build(), descriptor.toString());
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(valueSchema, made);
        return made;
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
