package io.agentstatebridge.projections.change;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The text forms of timestamptz the bridge meets, read and written back as PostgreSQL reads them (issue 10, item 7). */
class PgTimestampTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "2026-01-01T10:00:00Z|2026-01-01 10:00:00+00",
            "2026-01-01T10:00:00.5Z|2026-01-01 10:00:00.5+00",
            "2026-01-01T10:00:00.000001Z|2026-01-01 10:00:00.000001+00",
            "+12345-06-07T08:09:10.123456Z|12345-06-07 08:09:10.123456+00",
            "-0043-03-15T12:00:00Z|0044-03-15 12:00:00+00 BC",
            "0000-12-31T23:59:59Z|0001-12-31 23:59:59+00 BC",
            "0001-01-01T00:00:00Z|0001-01-01 00:00:00+00",
            "+294276-12-31T23:59:59.999999Z|294276-12-31 23:59:59.999999+00",
            "-4712-11-24T00:00:00Z|4713-11-24 00:00:00+00 BC",
            "infinity|infinity",
            "-infinity|-infinity"})
    void theConnectorsIsoTextBecomesPostgresInputAndBothReadAsTheSameInstant(String iso, String postgres) {
        assertThat(PgTimestamp.postgresText(iso)).isEqualTo(postgres);
        assertThat(PgTimestamp.parse(postgres)).isEqualTo(PgTimestamp.parse(iso));
        assertThat(PgTimestamp.parse(postgres).text()).isEqualTo(postgres);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "2026-01-01 10:00:00+05:30|2026-01-01 04:30:00+00",
            "1900-01-01 00:00:00+05:53:28|1899-12-31 18:06:32+00",
            "0044-03-15 07:03:58-04:56:02 BC|0044-03-15 12:00:00+00 BC"})
    void postgresOutputWithOffsetsReadsAsTheSameInstant(String withOffset, String utc) {
        assertThat(PgTimestamp.parse(withOffset)).isEqualTo(PgTimestamp.parse(utc));
    }
}
