package io.agentstatebridge.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import io.agentstatebridge.bridge.testing.SourceChurn;
import io.agentstatebridge.bridge.testing.TcpProxy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The read side becomes unreachable for 30 s while agents keep writing: the bridge (the built jar,
 * as operators run it) reaches it through a proxy that breaks every connection and refuses new
 * ones. The bridge shows PAUSED with the reason, retries the batch in hand with bounded backoff,
 * takes its leader lock again, never exits, and converges exactly: each batch is one read-side
 * transaction, so no attempt leaves half a batch behind. Replay with -Dbridge.seed=SEED.
 */
class TargetOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Pattern RECOVERED = Pattern.compile("batch applied after (\\d+) attempts over (\\d+) s");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    /** The read side's sessions end with the connections, as when it restarts. */
    @Test
    void readSideConnectionsResetForThirtySecondsPauseRetryAndConvergeWithoutExiting() throws Exception {
        rideOut(TcpProxy::cut, "target_reset", false);
    }

    /**
     * A network partition: the read side keeps the bridge's old sessions, possibly one in the middle
     * of a batch's transaction holding row locks, and the old leader-lock session holding the lock.
     */
    @Test
    void readSidePartitionedForThirtySecondsPausesRetriesAndConvergesWithoutExiting() throws Exception {
        rideOut(TcpProxy::partition, "target_partition", true);
    }

    private void rideOut(Consumer<TcpProxy> fault, String purpose, boolean serverKeepsSessions) throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        BridgeDatabases databases = new BridgeDatabases(purpose);
        int httpPort = freePort();
        try (TcpProxy proxy = TcpProxy.forwardingTo(databases.target().host(), databases.target().port());
             SourceChurn writer = new SourceChurn(databases, seed, 2, 10).pausing(Duration.ofMillis(20));
             BridgeProcess bridge = BridgeProcess.start(purpose, "run",
                     "--source-url", databases.source().jdbcUrl(),
                     "--target-url", proxy.route(databases.target()).jdbcUrl(),
                     "--name", databases.name(), "--slot", databases.name(), "--publication", databases.name(),
                     "--max-batch-size", "128", "--http-port", Integer.toString(httpPort))) {
            await("bridge streaming").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !bridge.isAlive() || streamingWithLagUnder(httpPort, 10));
            assertThat(bridge.isAlive()).as("bridge running; see %s", bridge.log()).isTrue();
            writer.start();
            await("applying the writer's changes").atMost(Duration.ofSeconds(60))
                    .until(() -> status(httpPort).path("events_applied_total").asLong() > 200);

            fault.accept(proxy);
            Set<BridgeState> states = new LinkedHashSet<>();
            Set<String> errors = new LinkedHashSet<>();
            Set<Integer> liveness = new LinkedHashSet<>();
            double maxLag = 0;
            long end = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < end) {
                assertThat(bridge.isAlive()).as("the bridge process is still running; see %s", bridge.log()).isTrue();
                JsonNode status = status(httpPort);
                states.add(BridgeState.valueOf(status.path("state").asText()));
                if (!status.path("last_error").isNull()) {
                    errors.add(status.path("last_error").asText());
                }
                maxLag = Math.max(maxLag, status.path("lag_seconds").asDouble());
                liveness.add(get(httpPort, "/health/live").statusCode());
                Thread.sleep(500);
            }
            proxy.restore();
            long restoredAt = System.nanoTime();
            System.out.printf("%s: states %s, max lag %.0f s, /health/live %s, errors %s%n",
                    purpose, states, maxLag, liveness, errors);

            assertThat(states).as("what operators saw over HTTP").contains(BridgeState.PAUSED).doesNotContain(BridgeState.FAILED);
            assertThat(errors).as("the reason shown").anyMatch(e -> e.startsWith("read side:"));
            assertThat(maxLag).as("lag kept growing while nothing could be applied").isGreaterThan(20);
            assertThat(liveness).as("/health/live while paused").containsOnly(200);

            await("caught up after the outage").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !bridge.isAlive() || streamingWithLagUnder(httpPort, 5));
            assertThat(bridge.isAlive()).as("bridge still running; see %s", bridge.log()).isTrue();
            System.out.printf("%s: caught up (lag under 5 s) %.1f s after the read side was reachable again%n",
                    purpose, (System.nanoTime() - restoredAt) / 1e9);

            String log = bridge.output();
            Matcher recovered = RECOVERED.matcher(log);
            assertThat(recovered.find()).as("the bridge logs when the read side is back; see %s", bridge.log()).isTrue();
            int attempts = Integer.parseInt(recovered.group(1));
            System.out.printf("%s: the paused batch was applied at attempt %d, %s s after the first%n",
                    purpose, attempts, recovered.group(2));
            // 200 ms doubling to 10 s, each attempt waiting up to 3 s for a connection: a handful.
            assertThat(attempts).as("attempts at the batch over a %d s outage", OUTAGE.toSeconds()).isBetween(2, 15);
            assertThat(log).contains("lost the leader lock's session on the read side")
                    .contains("leader lock taken again after the read side came back");
            if (serverKeepsSessions) {
                assertThat(log).as("the old lock session, still holding the lock on the read side, was ended")
                        .contains("lock session(s) this instance had lost but the read side still kept");
            }

            writer.stop();
            assertThat(databases.verifyDifferences(Duration.ofSeconds(120)))
                    .as("read side vs definitions after a %d s read-side outage (seed %d)", OUTAGE.toSeconds(), seed)
                    .isNull();
            assertThat(bridge.isAlive()).as("bridge never exited; see %s", bridge.log()).isTrue();
            assertThat(bridge.terminate()).as("exit status after SIGTERM").isZero();
        } catch (AssertionError | Exception e) {
            throw new AssertionError(purpose + " test failed; replay with -Dbridge.seed=" + seed, e);
        }
    }

    private boolean streamingWithLagUnder(int port, double seconds) {
        try {
            JsonNode status = status(port);
            return BridgeState.named(status.path("state").asText()).orElse(null) == BridgeState.STREAMING
                    && status.path("lag_seconds").isNumber()
                    && status.path("lag_seconds").asDouble() < seconds;
        } catch (IOException e) {
            return false; // not serving yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode status(int port) throws IOException, InterruptedException {
        return json.readTree(get(port, "/api/status").body());
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
