package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** What the embedded connector is told about the source; no database involved. */
class ConnectorPropertiesTest {
    @Test
    void everyTlsParameterOfTheSourceUrlReachesTheConnector() {
        DatabaseUrl source = DatabaseUrl.parse("jdbc:postgresql://db.example.com:6543/agents?user=bridge&password=pw"
                + "&sslmode=verify-full&sslrootcert=/etc/ca.pem&sslcert=/etc/client.crt&sslkey=/etc/client.pk8"
                + "&sslpassword=key-pw&sslfactory=org.postgresql.ssl.LibPQFactory", "--source-url");
        Properties properties = ConnectorProperties.of(new BridgeSettings(source, source, "b", "b", "b", 10));

        assertThat(properties).containsEntry("database.sslmode", "verify-full")
                .containsEntry("database.sslrootcert", "/etc/ca.pem")
                .containsEntry("database.sslcert", "/etc/client.crt")
                .containsEntry("database.sslkey", "/etc/client.pk8")
                .containsEntry("database.sslpassword", "key-pw")
                .containsEntry("database.sslfactory", "org.postgresql.ssl.LibPQFactory")
                .containsEntry("database.hostname", "db.example.com")
                .containsEntry("database.port", "6543");
    }

    @Test
    void withoutTlsParametersTheDriverDefaultsApply() {
        DatabaseUrl source = DatabaseUrl.parse("jdbc:postgresql://db.example.com/agents?user=bridge", "--source-url");
        Properties properties = ConnectorProperties.of(new BridgeSettings(source, source, "b", "b", "b", 10));

        assertThat(properties.stringPropertyNames()).noneMatch(name -> name.startsWith("database.ssl"));
    }
}
