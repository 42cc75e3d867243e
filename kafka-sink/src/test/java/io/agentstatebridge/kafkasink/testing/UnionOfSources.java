package io.agentstatebridge.kafkasink.testing;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One write side holding the rows of several: the definitions evaluated on it are what a read side
 * fed by all of them must show, since their agents are disjoint.
 */
public final class UnionOfSources {
    private UnionOfSources() {
    }

    /** A new database with every source's agent_sessions and agent_events rows, copied as they are now. */
    public static SourceDatabase of(List<SourceDatabase> sources) throws Exception {
        SourceDatabase union = SourceDatabase.create("sink_union");
        try (Connection target = union.open()) {
            CopyManager into = target.unwrap(PGConnection.class).getCopyAPI();
            for (SourceDatabase source : sources) {
                try (Connection from = source.open()) {
                    CopyManager out = from.unwrap(PGConnection.class).getCopyAPI();
                    for (String table : List.of("public.agent_sessions", "public.agent_events")) {
                        copy(out, into, table);
                    }
                }
            }
        }
        return union;
    }

    private static void copy(CopyManager from, CopyManager into, String table) throws SQLException, java.io.IOException {
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        from.copyOut("COPY " + table + " TO STDOUT (FORMAT binary)", rows);
        into.copyIn("COPY " + table + " FROM STDIN (FORMAT binary)", new ByteArrayInputStream(rows.toByteArray()));
    }
}
