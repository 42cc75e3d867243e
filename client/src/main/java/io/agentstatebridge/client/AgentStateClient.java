package io.agentstatebridge.client;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.List;

/**
 * What agent code holds: an {@link EventLog} writing to the source and a {@link StateReader}
 * reading the read side, each over a connection pool.
 *
 * <pre>{@code
 * try (AgentStateClient client = AgentStateClient.connect(ClientSettings.of(sourceUrl, targetUrl))) {
 *     AgentEvents events = AgentEvents.of("agent-7", "session-42");
 *     ConsistencyToken token = client.events().append(events.decisionMade("refund", "policy 4.2"));
 *     AgentState state = client.state().after(token, Duration.ofSeconds(5)).currentState("agent-7").orElseThrow();
 * }
 * }</pre>
 */
public final class AgentStateClient implements AutoCloseable {
    private final EventLog events;
    private final StateReader state;
    private final List<HikariDataSource> ownedPools;

    private AgentStateClient(DataSource source, DataSource target, String bridgeName, List<HikariDataSource> ownedPools) {
        this.events = new EventLog(source);
        this.state = new StateReader(target, bridgeName);
        this.ownedPools = ownedPools;
    }

    /** Opens a HikariCP pool to each database; {@link #close()} closes them. */
    public static AgentStateClient connect(ClientSettings settings) {
        List<HikariDataSource> pools = new ArrayList<>();
        try {
            HikariDataSource source = pool("agent-state-source", settings.sourceUrl(), settings.sourceUser(),
                    settings.sourcePassword(), settings.maxPoolSize(), false);
            pools.add(source);
            HikariDataSource target = pool("agent-state-read-side", settings.targetUrl(), settings.targetUser(),
                    settings.targetPassword(), settings.maxPoolSize(), true);
            pools.add(target);
            return new AgentStateClient(source, target, settings.bridgeName(), pools);
        } catch (RuntimeException e) {
            pools.forEach(HikariDataSource::close);
            throw e;
        }
    }

    /** Over pools (or data sources) the caller already has and keeps ownership of. */
    public static AgentStateClient using(DataSource source, DataSource target, String bridgeName) {
        return new AgentStateClient(source, target, bridgeName, List.of());
    }

    public EventLog events() {
        return events;
    }

    public StateReader state() {
        return state;
    }

    @Override
    public void close() {
        ownedPools.forEach(HikariDataSource::close);
    }

    private static HikariDataSource pool(String name, String url, String user, String password, int size,
                                         boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        // The read side belongs to the bridge; readers only ever look.
        config.setReadOnly(readOnly);
        return new HikariDataSource(config);
    }
}
