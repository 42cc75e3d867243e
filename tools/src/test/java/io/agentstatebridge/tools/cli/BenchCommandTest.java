package io.agentstatebridge.tools.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** `bench` rejects what it cannot measure before starting anything, and its help names what it measures. */
class BenchCommandTest {
    @Test
    void unknownLayoutIsRejectedWithTheLayoutsThereAre() {
        Result result = run("bench", "--layout", "three-servers");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.output()).contains("unknown layout 'three-servers'").contains("two-servers, one-server");
    }

    @Test
    void unknownMeasurementIsRejected() {
        Result result = run("bench", "--measure", "catch-up,speed");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.output()).contains("unknown measurement 'speed'");
    }

    @Test
    void steadyRatesMustExceedTheProbesOwnRate() {
        Result result = run("bench", "--steady-rates", "50");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.output()).contains("each steady rate must exceed the probes' own 100 events/s");
    }

    @Test
    void helpDescribesTheOptions() {
        Result result = run("bench", "--help");

        assertThat(result.status()).isZero();
        assertThat(result.output()).contains("--layout", "--measure", "--profile", "--bridge-jar", "--quick");
    }

    private record Result(int status, String output) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int status = ToolsCommand.execute(args);
            return new Result(status, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
