package io.agentstatebridge.bridge.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.agentstatebridge.bridge.metrics.BridgeMetrics;
import io.agentstatebridge.bridge.status.BridgeStatus;
import io.agentstatebridge.bridge.status.StatusJson;
import io.agentstatebridge.bridge.status.StatusReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The bridge's HTTP face: Prometheus metrics, health probes for orchestrators, the status as JSON
 * and a status page. Read-only, no authentication: bind it to an interface only operators reach.
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread thread = new Thread(r, "status-http");
        thread.setDaemon(true);
        return thread;
    });

    /** @param readyMaxLagSeconds /health/ready answers 200 while streaming with at most this lag */
    public StatusServer(String bind, int port, StatusReporter status, BridgeMetrics metrics, double readyMaxLagSeconds)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        server.setExecutor(executor);
        route("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        route("/health/live", exchange -> {
            BridgeStatus current = status.current();
            probe(exchange, HealthChecks.live(current), current);
        });
        route("/health/ready", exchange -> {
            BridgeStatus current = status.current();
            probe(exchange, HealthChecks.ready(current, readyMaxLagSeconds), current);
        });
        route("/api/status", exchange -> respond(exchange, 200, "application/json",
                StatusJson.MAPPER.writeValueAsString(StatusJson.of(status.current()))));
        route("/api/history", exchange -> respond(exchange, 200, "application/json",
                StatusJson.MAPPER.writeValueAsString(StatusJson.of(status.history()))));
        route("/", this::staticPage);
        server.start();
        LOG.info("status page, /metrics and /health on http://{}:{}/", bind, server.getAddress().getPort());
    }

    /** The port bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Read-only GETs; a handler's failure becomes a 500 and a log line, not a dropped connection. */
    private void route(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    respond(exchange, 405, "text/plain", "only GET");
                    return;
                }
                handler.handle(exchange);
            } catch (IOException | RuntimeException e) {
                LOG.warn("answering {} failed: {}", exchange.getRequestURI(), e.getMessage());
                try {
                    respond(exchange, 500, "text/plain", "internal error");
                } catch (IOException | RuntimeException ignored) {
                    // the response was already under way; the client sees a cut connection
                }
            }
        });
    }

    private void probe(HttpExchange exchange, boolean ok, BridgeStatus s) throws IOException {
        String body = StatusJson.MAPPER.writeValueAsString(Map.of("status", ok ? "UP" : "DOWN", "state", s.state().name(),
                "lag_seconds", s.lagSeconds() == null ? "unknown" : s.lagSeconds()));
        respond(exchange, ok ? 200 : 503, "application/json", body);
    }

    private void staticPage(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String resource = path.equals("/") ? "index.html" : path.substring(1);
        if (resource.contains("..") || resource.contains("/")) {
            respond(exchange, 404, "text/plain", "not found");
            return;
        }
        try (InputStream in = StatusServer.class.getResourceAsStream("/status-page/" + resource)) {
            if (in == null) {
                respond(exchange, 404, "text/plain", "not found");
                return;
            }
            String type = resource.endsWith(".js") ? "text/javascript" : resource.endsWith(".css") ? "text/css"
                    : resource.endsWith(".html") ? "text/html" : "application/octet-stream";
            respond(exchange, 200, type + "; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
