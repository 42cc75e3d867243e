package io.agentstatebridge.projections.apply;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.agentstatebridge.projections.change.Row;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;

/**
 * Encodes rows as one JSON array of text-valued objects, the shape {@code jsonb_to_recordset}
 * reads: one statement parameter carries any number of rows in a single round trip.
 */
final class RowSetJson {
    private static final JsonFactory JSON = new JsonFactory();

    private RowSetJson() {
    }

    static String encode(Collection<Row> rows, List<String> columns) {
        StringWriter out = new StringWriter(rows.size() * 192 + 2);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (Row row : rows) {
                json.writeStartObject();
                for (String column : columns) {
                    json.writeStringField(column, row.get(column));
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode rows as JSON", e);
        }
        return out.toString();
    }
}
