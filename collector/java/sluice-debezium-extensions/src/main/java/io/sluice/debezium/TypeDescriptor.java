package io.sluice.debezium;

import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/**
 * Writes a Kafka Connect schema as Sluice's compact type descriptor (docs/types.md, "Compact
 * type descriptor"): what the processor needs to render every value exactly and cannot read
 * from the schema-less JSON itself. The processor's processor/core/compact-schema.ts reads it back;
 * the two must agree on the grammar and on the abbreviations below.
 *
 * <pre>
 * struct := '{' [ field { ',' field } ] '}'
 * field  := name ':' type
 * type   := base [ '@' logical ] [ '(' param { ';' param } ')' ]
 * base   := 'b' | '1' | '2' | '4' | '8' | 'f' | 'd' | 's' | 'y'   (boolean, int8..int64,
 *           float32, float64, string, bytes) | '[' type ']' | '<' type ',' type '>' | struct
 * param  := name '=' value                (only `scale` and `length`: the ones rendering uses)
 * </pre>
 *
 * Names, logical names and parameter values escape the grammar's characters as %XX.
 */
final class TypeDescriptor {
    /** Logical type names and their codes; any other name is written out in full. */
    static final Map<String, String> ABBREVIATIONS = Map.ofEntries(
            Map.entry("io.debezium.time.Date", "D"),
            Map.entry("org.apache.kafka.connect.data.Date", "KD"),
            Map.entry("io.debezium.time.Time", "T"),
            Map.entry("org.apache.kafka.connect.data.Time", "KT"),
            Map.entry("io.debezium.time.MicroTime", "MT"),
            Map.entry("io.debezium.time.NanoTime", "NT"),
            Map.entry("io.debezium.time.Timestamp", "TS"),
            Map.entry("org.apache.kafka.connect.data.Timestamp", "KTS"),
            Map.entry("io.debezium.time.MicroTimestamp", "MTS"),
            Map.entry("io.debezium.time.NanoTimestamp", "NTS"),
            Map.entry("io.debezium.time.ZonedTimestamp", "ZTS"),
            Map.entry("io.debezium.time.ZonedTime", "ZT"),
            Map.entry("io.debezium.time.MicroDuration", "MD"),
            Map.entry("io.debezium.time.Interval", "I"),
            Map.entry("io.debezium.time.Year", "Y"),
            Map.entry("org.apache.kafka.connect.data.Decimal", "K"),
            Map.entry("io.debezium.data.VariableScaleDecimal", "V"),
            Map.entry("io.debezium.data.Bits", "B"),
            Map.entry("io.debezium.data.Json", "J"),
            Map.entry("io.debezium.data.Xml", "X"),
            Map.entry("io.debezium.data.Uuid", "U"),
            Map.entry("io.debezium.data.Enum", "E"),
            Map.entry("io.debezium.data.EnumSet", "ES"));

    private static final String[] PARAMETERS = { "scale", "length" };
    private static final String SPECIAL = "%,:;{}[]<>()@=~";

    private TypeDescriptor() {
    }

    /** The descriptor of a struct schema. */
    static String of(Schema struct) {
        StringBuilder out = new StringBuilder(struct.fields().size() * 12);
        writeStruct(out, struct);
        return out.toString();
    }

    private static void writeStruct(StringBuilder out, Schema struct) {
        out.append('{');
        boolean first = true;
        for (Field field : struct.fields()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            escape(out, field.name());
            out.append(':');
            writeType(out, field.schema());
        }
        out.append('}');
    }

    private static void writeType(StringBuilder out, Schema schema) {
        switch (schema.type()) {
            case BOOLEAN -> out.append('b');
            case INT8 -> out.append('1');
            case INT16 -> out.append('2');
            case INT32 -> out.append('4');
            case INT64 -> out.append('8');
            case FLOAT32 -> out.append('f');
            case FLOAT64 -> out.append('d');
            case STRING -> out.append('s');
            case BYTES -> out.append('y');
            case ARRAY -> {
                out.append('[');
                writeType(out, schema.valueSchema());
                out.append(']');
            }
            case MAP -> {
                out.append('<');
                writeType(out, schema.keySchema());
                out.append(',');
                writeType(out, schema.valueSchema());
                out.append('>');
            }
            case STRUCT -> writeStruct(out, schema);
        }
        String name = schema.name();
        if (name != null) {
            out.append('@');
            escape(out, ABBREVIATIONS.getOrDefault(name, name));
        }
        Map<String, String> parameters = schema.parameters();
        if (parameters == null) {
            return;
        }
        boolean open = false;
        for (String key : PARAMETERS) {
            String value = parameters.get(key);
            if (value == null) {
                continue;
            }
            out.append(open ? ';' : '(');
            open = true;
            out.append(key).append('=');
            escape(out, value);
        }
        if (open) {
            out.append(')');
        }
    }

    private static void escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (SPECIAL.indexOf(c) >= 0) {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
            else {
                out.append(c);
            }
        }
    }
}
