package io.agentstatebridge.projections.verify;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compares every read-side table with its definition evaluated on the source, row by row, as a
 * streaming merge of two key-ordered scans: memory stays flat however large the tables are.
 * Each side is read in one REPEATABLE READ transaction so it is compared as of a single moment.
 */
public final class ReadSideComparison {
    private static final int FETCH_SIZE = 2_000;
    private final int sampleLimit;

    public ReadSideComparison(int sampleLimit) {
        this.sampleLimit = sampleLimit;
    }

    public List<RelationDifference> compare(Connection source, Connection target) throws SQLException {
        begin(source);
        begin(target);
        try {
            List<RelationDifference> differences = new ArrayList<>();
            for (RelationDefinition relation : RelationDefinition.ALL) {
                differences.add(compare(relation, source, target));
            }
            return differences;
        } finally {
            source.rollback();
            target.rollback();
            source.setAutoCommit(true);
            target.setAutoCommit(true);
        }
    }

    private RelationDifference compare(RelationDefinition relation, Connection source, Connection target) throws SQLException {
        int keys = relation.keyColumns().size();
        try (Statement sourceStatement = source.createStatement();
             Statement targetStatement = target.createStatement()) {
            sourceStatement.setFetchSize(FETCH_SIZE);
            targetStatement.setFetchSize(FETCH_SIZE);
            try (ResultSet expected = sourceStatement.executeQuery(relation.sourceQuery());
                 ResultSet actual = targetStatement.executeQuery(relation.targetQuery())) {
                Tally tally = new Tally();
                String[] want = next(expected, relation);
                String[] have = next(actual, relation);
                while (want != null || have != null) {
                    int order = want == null ? 1 : have == null ? -1 : compareKeys(want, have, keys);
                    if (order < 0) {
                        tally.sourceRows++;
                        tally.missingCount++;
                        sample(tally.missing, key(want, keys));
                        want = next(expected, relation);
                    } else if (order > 0) {
                        tally.targetRows++;
                        tally.extraCount++;
                        sample(tally.extra, key(have, keys));
                        have = next(actual, relation);
                    } else {
                        tally.sourceRows++;
                        tally.targetRows++;
                        if (!Arrays.equals(want, have)) {
                            tally.differentCount++;
                            sample(tally.different, describeDifference(relation, want, have));
                        }
                        want = next(expected, relation);
                        have = next(actual, relation);
                    }
                }
                return new RelationDifference(relation.name(), tally.sourceRows, tally.targetRows,
                        tally.missingCount, tally.missing, tally.extraCount, tally.extra,
                        tally.differentCount, tally.different);
            }
        }
    }

    private static final class Tally {
        long sourceRows;
        long targetRows;
        long missingCount;
        long extraCount;
        long differentCount;
        final List<String> missing = new ArrayList<>();
        final List<String> extra = new ArrayList<>();
        final List<String> different = new ArrayList<>();
    }

    private void sample(List<String> sample, String line) {
        if (sample.size() < sampleLimit) {
            sample.add(line);
        }
    }

    private static String describeDifference(RelationDefinition relation, String[] want, String[] have) {
        StringBuilder text = new StringBuilder(key(want, relation.keyColumns().size())).append(':');
        for (int i = 0; i < want.length; i++) {
            if (!java.util.Objects.equals(want[i], have[i])) {
                text.append(' ').append(relation.columns().get(i)).append(" = ").append(want[i])
                        .append(" by definition, ").append(have[i]).append(" on the read side;");
            }
        }
        return text.toString();
    }

    private static String key(String[] row, int keys) {
        return String.join("/", Arrays.asList(row).subList(0, keys));
    }

    private static String[] next(ResultSet rows, RelationDefinition relation) throws SQLException {
        if (!rows.next()) {
            return null;
        }
        String[] row = new String[relation.columns().size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = rows.getString(i + 1);
        }
        return row;
    }

    /** Byte order of the UTF-8 encoding: the order of COLLATE "C" in the queries. */
    private static int compareKeys(String[] a, String[] b, int keys) {
        for (int i = 0; i < keys; i++) {
            int order = Arrays.compareUnsigned(a[i].getBytes(StandardCharsets.UTF_8), b[i].getBytes(StandardCharsets.UTF_8));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static void begin(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement statement = connection.createStatement()) {
            // Text forms of timestamps and intervals depend on these; pin them on both sides.
            statement.execute("SET LOCAL TimeZone = 'UTC'");
            statement.execute("SET LOCAL DateStyle = 'ISO, YMD'");
            statement.execute("SET LOCAL IntervalStyle = 'postgres'");
            statement.execute("SET LOCAL extra_float_digits = 3");
        }
    }
}
