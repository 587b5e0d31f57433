package io.sluice.debezium;

import java.util.Locale;
import java.util.Properties;

import org.apache.kafka.connect.data.SchemaBuilder;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;

/**
 * PostgreSQL `bit varying(n)` as the bit string the database holds. Debezium's own conversion
 * (io.debezium.data.Bits) drops the value's length and pads it to the declared maximum, so
 * B'101' and B'0000101' in a varbit(16) both arrive as 0000000000000101. The raw value is the
 * text PostgreSQL sends: a String while streaming (pgoutput), a PGobject (whose toString() is
 * its text) in the snapshot (JDBC).
 */
public final class VarbitConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
    @Override
    public void configure(Properties properties) {
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        String type = column.typeName().toLowerCase(Locale.ROOT);
        if (!type.equals("varbit") && !type.equals("bit varying")) {
            return;
        }
        SchemaBuilder schema = SchemaBuilder.string();
        if (column.isOptional()) {
            schema.optional();
        }
        registration.register(schema, VarbitConverter::bitText);
    }

    private static Object bitText(Object raw) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof Boolean bit) {
            return bit ? "1" : "0";
        }
        return raw.toString();
    }
}
