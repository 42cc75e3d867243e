package io.agentstatebridge.tools.soak;

import io.agentstatebridge.projections.testing.PostgresFixture;
import io.agentstatebridge.tools.cli.ToolsCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ten-second `soak` against the test server: it runs, prints a line of figures per interval and
 * its summary, applies every event, and its exit status follows its verdict. Whether ten seconds
 * on a shared, loaded machine count as "kept up" depends on that machine (the first seconds of a
 * JVM are compilation), so either lag verdict is accepted here; SoakSummaryTest pins the verdicts.
 */
class SoakCommandTest {
    /** elapsed, written, applied, lag, heap used, committed, after GC, RSS, GCs */
    private static final Pattern LINE = Pattern.compile(
            "(?m)^ +\\d+ s +[\\d,]+ +[\\d,]+ +\\d+\\.\\d\\d s +\\d+ MB +\\d+ MB +(\\d+|-) MB +\\d+ MB +[\\d,]+$");

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shortSoakPrintsFiguresEveryIntervalAndASummaryAndExitsByItsVerdict() {
        PostgresFixture postgres = PostgresFixture.get();
        String source = postgres.createDatabase("soak_source").jdbcUrl();
        String target = postgres.createDatabase("soak_target").jdbcUrl();

        Result result = soak("--duration", "10s", "--rate", "200", "--agents", "20", "--sample-interval", "2s",
                "--source-url", source, "--target-url", target);

        assertThat(result.output()).as("the only failure a loaded machine may cause is the lag verdict")
                .containsPattern("(?m)^result: (OK \\(the bridge kept running, its lag did not keep growing, the read side "
                        + "caught up\\)|FAILED: lag was unbounded)$");
        assertThat(result.exitCode()).as(result.output()).isEqualTo(result.output().contains("result: OK") ? 0 : 1);
        assertThat(result.output()).contains("elapsed", "written", "applied", "lag", "heap used", "committed", "after GC",
                "RSS", "GCs");
        assertThat(LINE.matcher(result.output()).results().count()).as("lines of figures in%n%s", result.output())
                .isGreaterThanOrEqualTo(4);
        Matcher totals = Pattern.compile("([\\d,]+) events written, ([\\d,]+) applied").matcher(result.output());
        assertThat(totals.find()).as(result.output()).isTrue();
        assertThat(totals.group(2)).as("every event applied by the end").isEqualTo(totals.group(1));
        assertThat(Long.parseLong(totals.group(1).replace(",", ""))).isGreaterThanOrEqualTo(1_000);
        assertThat(result.output())
                .containsPattern("lag \\(status record, 1 s samples\\) +p50 \\d+\\.\\d\\d s +p99 \\d+\\.\\d\\d s +max \\d+\\.\\d\\d s.*: "
                        + "(bounded|UNBOUNDED \\(kept growing\\))")
                .containsPattern("heap used +first half min \\d+ / max \\d+ MB; second half min \\d+ / max \\d+ MB; slope [+-]\\d+\\.\\d\\d MB/min")
                .containsPattern("heap after GC .*(flat|GROWING)")
                .containsPattern("RSS +start \\d+ MB, end \\d+ MB, max \\d+ MB")
                .containsPattern("GC +[\\d,]+ collections")
                .containsPattern("machine +\\d+ processors; 1-min load average mean \\d+\\.\\d, max \\d+\\.\\d")
                .contains("read side holds every event");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result soak(String... arguments) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String[] command = new String[arguments.length + 1];
            command[0] = "soak";
            System.arraycopy(arguments, 0, command, 1, arguments.length);
            int exit = ToolsCommand.execute(command);
            return new Result(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            System.out.print(captured.toString(StandardCharsets.UTF_8));
        }
    }
}
