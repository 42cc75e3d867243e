package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.http.StatusServer;
import io.agentstatebridge.bridge.lifecycle.BridgeStats;
import io.agentstatebridge.bridge.lifecycle.Lifecycle;
import io.agentstatebridge.bridge.metrics.BridgeMetrics;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.status.BridgeInstance;
import io.agentstatebridge.bridge.status.InstanceRole;
import io.agentstatebridge.bridge.status.StatusReporter;

import javax.sql.DataSource;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * What a bridge shows operators, started with it and closed with it: the status reporter (status
 * and instances tables) and, unless the HTTP port is 0, the server of /metrics, /health and the
 * status page. Closing reports once more, so the tables keep the final state.
 */
final class Observation implements AutoCloseable {
    private final StatusReporter reporter;
    private volatile StatusServer server;

    private Observation(StatusReporter reporter) {
        this.reporter = reporter;
    }

    /** Starts reporting, every second from now on. */
    static Observation start(BridgeSettings settings, BridgeInstance instance, Lifecycle lifecycle,
                             Supplier<InstanceRole> role, BridgeStats stats, DataSource target, Runnable slotLooksLost) {
        StatusReporter reporter = new StatusReporter(settings, instance, lifecycle, role, stats, target);
        reporter.onSlotLooksLost(slotLooksLost);
        reporter.start();
        return new Observation(reporter);
    }

    /** Starts the HTTP server, unless its port is 0; throws with the fix when the port cannot be bound. */
    void serveHttp(BridgeSettings settings, BridgeStats stats) {
        server = statusServer(settings, stats, reporter);
    }

    private static StatusServer statusServer(BridgeSettings settings, BridgeStats stats, StatusReporter reporter) {
        BridgeSettings.Observability observability = settings.observability();
        if (observability.httpPort() == 0) {
            return null;
        }
        BridgeMetrics metrics = new BridgeMetrics(settings.name(), stats, reporter);
        try {
            return new StatusServer(observability.httpBind(), observability.httpPort(), reporter, metrics,
                    observability.readyMaxLagSeconds());
        } catch (IOException e) {
            throw new SetupException("cannot serve status on " + observability.httpBind() + ":" + observability.httpPort()
                    + ": " + e.getMessage() + ". Choose another --http-port, or 0 to turn the HTTP server off.", e);
        }
    }

    StatusReporter reporter() {
        return reporter;
    }

    /** The bound HTTP port, or 0 when the HTTP server is off. */
    int httpPort() {
        StatusServer serving = server;
        return serving == null ? 0 : serving.port();
    }

    @Override
    public void close() {
        StatusServer serving = server;
        if (serving != null) {
            serving.close();
        }
        reporter.report(); // the final state, for the status table
        reporter.close();
    }
}
