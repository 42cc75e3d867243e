package io.agentstatebridge.bridge.source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Start-up checks that a server ended half way: the session had connected and was then terminated
 * (an administrator's pg_terminate_backend, a fast restart, a dropped connection). That is no
 * mistake in the settings, so the step is tried again for a while, rather than the bridge exiting
 * with a setup error; failures to connect at all are not retried here, since a wrong host or
 * password must be reported at once.
 */
public final class InterruptedSessions {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptedSessions.class);
    private static final Set<String> ENDED_BY_THE_SERVER = Set.of(
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now (starting up or shutting down)
            "08003", // connection_does_not_exist
            "08006"  // connection_failure (lost after it was made)
    );
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private InterruptedSessions() {
    }

    /** Runs {@code step}, again while it fails on a session the server ended, for up to a minute. */
    public static <T> T retry(String what, Supplier<T> step) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long pause = 250;
        while (true) {
            try {
                return step.get();
            } catch (RuntimeException e) {
                if (!endedByTheServer(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warn("{} was interrupted by the server ({}); trying again in {} ms", what, e.getMessage(), pause);
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 5_000);
            }
        }
    }

    static boolean endedByTheServer(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && ENDED_BY_THE_SERVER.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
