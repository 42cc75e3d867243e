package io.agentstatebridge.bridge.http;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.status.BridgeStatus;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.loadgen.LoadGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Loads the status page of a running bridge under load in headless Chromium (Debian's package, a
 * separate process) and checks, in the DOM the browser rendered, that the figures and the three
 * charts are drawn from the bridge's API and that they move on as the bridge applies more, and
 * that the page shows the instance's role and lists it among the bridge's instances.
 * {@code --virtual-time-budget} lets the page's timers (history, then polls) run before the DOM is
 * dumped; real time passes between the two loads so the bridge's figures have changed.
 */
class StatusPageBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    // Generous: one headless load takes about 2 s on an idle machine, 15 s on a saturated CI runner.
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(40);
    private static final List<String> CHARTS = List.of("chart-lag", "chart-wal", "chart-throughput");

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void statusPageRendersFiguresAndChartsFromARunningBridgeAndUpdates() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("this test drives headless Chromium at " + CHROMIUM + ", which is missing: install Debian's chromium "
                    + "package (apt-get install chromium; .ci/run does this)");
        }
        BridgeDatabases databases = new BridgeDatabases("status_page");
        BridgeSettings plain = databases.settings(512);
        BridgeSettings settings = new BridgeSettings(plain.source(), plain.target(), plain.name(), plain.slot(),
                plain.publication(), plain.maxBatchSize(), plain.observability().withHttpPort(freePort()));
        try (Bridge bridge = new Bridge(settings);
             LoadGenerator load = new LoadGenerator(databases.source().jdbcUrl(),
                     new LoadGenerator.LoadSettings(20, 200, Duration.ofSeconds(45), 2, 17))) {
            bridge.start();
            Thread writer = startInBackground(load);
            try {
                // A few seconds of history, so the charts have points from /api/history alone.
                await().atMost(Duration.ofSeconds(45)).until(() -> {
                    BridgeStatus s = bridge.status().current();
                    // every chart needs points: lag and slot figures arrive a few ticks after start
                    long withAllFigures = bridge.status().history().stream()
                            .filter(h -> h.lagSeconds() != null && h.slot().retainedWalBytes() != null).count();
                    return s.state() == BridgeState.STREAMING && s.eventsAppliedTotal() > 0 && withAllFigures >= 3;
                });
                String url = "http://127.0.0.1:" + bridge.httpPort() + "/";

                RenderedPage first = load(url, "first");
                assertThat(BridgeState.valueOf(first.text("state"))).isIn(BridgeState.STREAMING, BridgeState.SNAPSHOTTING);
                assertThat(first.attribute("state", "data-state")).isEqualTo(first.text("state"));
                assertThat(first.number("lag")).isGreaterThanOrEqualTo(0.0);
                assertThat(first.text("lag")).matches("\\d+(\\.\\d+)?");
                assertThat(first.number("events-applied")).isPositive();
                assertThat(first.text("events-applied")).matches("[\\d,]+");
                assertThat(first.number("batches")).isPositive();
                assertThat(first.number("rejected-rows")).isGreaterThanOrEqualTo(0);
                assertThat(first.text("slot-name")).isEqualTo(settings.slot());
                assertThat(first.text("role")).isEqualTo("active");
                assertThat(first.attribute("role", "data-role")).isEqualTo("active");
                assertThat(first.html()).as("this instance in the instances table")
                        .containsPattern("<tr[^>]*data-instance-id=\"" + bridge.instance().instanceId()
                                + "\"[^>]*data-role=\"active\"[^>]*data-stale=\"false\"");
                assertThat(first.text("slot-active")).isIn("yes", "no", "unknown");
                assertThat(first.bodyPolls()).as("answered /api/status polls").isPositive();
                for (String chart : CHARTS) {
                    assertThat(first.chartPoints(chart)).as("points drawn in " + chart).isGreaterThanOrEqualTo(2);
                }

                // Real time for the bridge to apply more, then the page again.
                double appliedBefore = first.number("events-applied");
                await().atMost(Duration.ofSeconds(15)).until(() ->
                        bridge.status().current().eventsAppliedTotal() > appliedBefore);
                RenderedPage second = load(url, "second");
                assertThat(second.number("events-applied")).isGreaterThan(appliedBefore);
                assertThat(second.chartPoints("chart-throughput")).isGreaterThan(first.chartPoints("chart-throughput"));
            } finally {
                load.stop();
                writer.join(10_000);
            }
        }
    }

    /** Runs a fresh headless Chromium on the page and returns the DOM it rendered. */
    private RenderedPage load(String url, String name) throws IOException, InterruptedException {
        Path profile = Files.createDirectory(temp.resolve("profile-" + name));
        Path dom = temp.resolve(name + ".html");
        Path log = temp.resolve(name + "-chromium.log");
        Process browser = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--virtual-time-budget=3000", "--dump-dom", url)
                .redirectOutput(dom.toFile())
                .redirectError(log.toFile())
                .start();
        try {
            if (!browser.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("chromium did not dump " + url + " within " + BROWSER_TIMEOUT.toSeconds() + " s; its log:\n" + tail(log));
            }
        } finally {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
        }
        String html = Files.readString(dom, StandardCharsets.UTF_8);
        assertThat(browser.exitValue()).as("chromium exit status; its log:\n%s", tail(log)).isZero();
        assertThat(html).as("DOM dumped by chromium; its log:\n%s", tail(log)).contains("id=\"chart-lag\"");
        return new RenderedPage(html);
    }

    /** The dumped DOM, read by element id; the page gives every figure a stable id and data-* values. */
    private record RenderedPage(String html) {
        String tag(String id) {
            Matcher tag = Pattern.compile("<[a-z]+\\b[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(html);
            assertThat(tag.find()).as("element #%s in the page:\n%s", id, html).isTrue();
            return tag.group();
        }

        String attribute(String id, String name) {
            Matcher value = Pattern.compile("\\b" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(tag(id));
            assertThat(value.find()).as("attribute %s of #%s in %s", name, id, tag(id)).isTrue();
            return value.group(1);
        }

        String text(String id) {
            int start = html.indexOf(tag(id)) + tag(id).length();
            return html.substring(start, html.indexOf('<', start)).trim();
        }

        double number(String id) {
            String value = attribute(id, "data-value");
            assertThat(value).as("data-value of #%s (text '%s')", id, text(id)).matches("-?\\d+(\\.\\d+)?([eE]-?\\d+)?");
            return Double.parseDouble(value);
        }

        int chartPoints(String id) {
            return Integer.parseInt(attribute(id, "data-points"));
        }

        int bodyPolls() {
            Matcher body = Pattern.compile("<body[^>]*\\bdata-polls=\"(\\d+)\"").matcher(html);
            assertThat(body.find()).as("data-polls on <body>").isTrue();
            return Integer.parseInt(body.group(1));
        }
    }

    private static Thread startInBackground(LoadGenerator load) {
        Thread writer = new Thread(() -> {
            try {
                load.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "status-page-load");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
