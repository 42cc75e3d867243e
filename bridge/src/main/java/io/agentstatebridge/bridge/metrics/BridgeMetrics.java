package io.agentstatebridge.bridge.metrics;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.lifecycle.BridgeStats;
import io.agentstatebridge.bridge.status.InstanceRole;
import io.agentstatebridge.bridge.status.ReadReplica;
import io.agentstatebridge.bridge.status.SlotHealth;
import io.agentstatebridge.bridge.status.StatusReporter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The bridge's figures in Prometheus form. Gauges read the status reporter's latest figures, so
 * /metrics agrees with the status table and the page; batch distributions come from each batch.
 * The {@code state} label takes the name of every {@link BridgeState} operators can see.
 */
public final class BridgeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StatusReporter status;
    private final MultiGauge replicaReplayLag;
    private final MultiGauge replicaReplayLagBytes;

    public BridgeMetrics(String bridgeName, BridgeStats stats, StatusReporter status) {
        this.status = status;
        registry.config().commonTags("bridge", bridgeName);
        // One series per standby of the read database, by name; standbys come and go, so the series
        // are replaced on every scrape rather than registered once.
        replicaReplayLag = MultiGauge.builder("agent_state_bridge.read.replica.replay.lag").baseUnit("seconds")
                .description("How long the read side's newest commits take to be replayed on each of its physical standbys; "
                        + "0 when it has replayed everything")
                .register(registry);
        replicaReplayLagBytes = MultiGauge.builder("agent_state_bridge.read.replica.replay.lag.wal").baseUnit("bytes")
                .description("Read-side WAL written and not yet replayed on each of its physical standbys")
                .register(registry);
        gauge("agent_state_bridge.lag", "seconds", "Now minus the newest source commit the read side reflects",
                status, r -> nanIfNull(r.current().lagSeconds()));
        gauge("agent_state_bridge.slot.retained.wal", "bytes", "WAL the source retains for the bridge's replication slot",
                status, r -> nanIfNull(r.current().slot().retainedWalBytes()));
        gauge("agent_state_bridge.slot.safe.wal.size", "bytes", "WAL that may still be written before the slot is at risk",
                status, r -> nanIfNull(r.current().slot().safeWalSizeBytes()));
        gauge("agent_state_bridge.slot.active", null, "1 while a process streams from the slot, NaN when unknown",
                status, r -> r.current().slot() == SlotHealth.UNKNOWN || !r.current().slot().exists() ? Double.NaN
                        : r.current().slot().active() ? 1 : 0);
        gauge("agent_state_bridge.events.applied.rate", "per_second", "Changes applied per second, last second",
                status, r -> r.current().eventsPerSecond());
        for (BridgeState state : BridgeState.values()) {
            if (!state.isReported()) {
                continue;
            }
            Gauge.builder("agent_state_bridge.state", status, r -> r.current().state() == state ? 1 : 0)
                    .description("1 for the state the bridge is in")
                    .tag("state", state.name())
                    .register(registry);
        }
        for (InstanceRole role : InstanceRole.values()) {
            Gauge.builder("agent_state_bridge.role", status, r -> r.current().role() == role ? 1 : 0)
                    .description("1 for this instance's role: active holds the leader lock and streams, standby waits to take over")
                    .tag("role", role.label())
                    .register(registry);
            Gauge.builder("agent_state_bridge.instances", status, r -> r.current().liveInstances(role))
                    .description("Instances of this bridge in the role, reporting to the read side within 15 s, this one included")
                    .tag("role", role.label())
                    .register(registry);
        }
        // Totals come from the same once-a-second figures as everything else, so /metrics, the status
        // table and the page agree to the tick.
        FunctionCounter.builder("agent_state_bridge.events.applied", status, r -> r.current().eventsAppliedTotal())
                .description("Row changes applied to the read side").register(registry);
        FunctionCounter.builder("agent_state_bridge.batches.applied", status, r -> r.current().batchesAppliedTotal())
                .description("Read-side transactions committed").register(registry);
        FunctionCounter.builder("agent_state_bridge.rejected.rows", status, r -> r.current().rejectedRowsTotal())
                .description("Source rows the definitions cannot evaluate, counted as documented").register(registry);
        for (String walStatus : List.of("reserved", "extended", "unreserved", "lost")) {
            Gauge.builder("agent_state_bridge.slot.wal.status", status, r -> walStatus.equals(r.current().slot().walStatus()) ? 1 : 0)
                    .description("1 for the slot's wal_status as the source reports it; lost means changes are gone")
                    .tag("wal_status", walStatus)
                    .register(registry);
        }
        DistributionSummary batchSize = DistributionSummary.builder("agent_state_bridge.batch.size")
                .baseUnit("changes").description("Changes per read-side transaction")
                .publishPercentiles(0.5, 0.99).register(registry);
        Timer applyTime = Timer.builder("agent_state_bridge.apply").description("Time to apply one batch, commit included")
                .publishPercentiles(0.5, 0.99).register(registry);
        stats.observeBatches(result -> {
            batchSize.record(result.changes());
            applyTime.record(Duration.ofNanos(result.nanos()));
        });
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        List<ReadReplica> replicas = status.current().readReplicas();
        replicaReplayLag.register(rows(replicas, ReadReplica::replayLagSeconds), true);
        replicaReplayLagBytes.register(rows(replicas, ReadReplica::replayLagBytes), true);
        return registry.scrape();
    }

    private static List<MultiGauge.Row<?>> rows(List<ReadReplica> replicas, Function<ReadReplica, Number> figure) {
        return replicas.stream()
                .<MultiGauge.Row<?>>map(r -> MultiGauge.Row.of(Tags.of("replica", String.valueOf(r.name())),
                        nanIfNull(figure.apply(r))))
                .toList();
    }

    private <T> void gauge(String name, String unit, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).baseUnit(unit).description(description).register(registry);
    }

    private static double nanIfNull(Number value) {
        return value == null ? Double.NaN : value.doubleValue();
    }
}
