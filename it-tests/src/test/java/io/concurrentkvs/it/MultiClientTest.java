package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several client JVMs at once against one server JVM, each checking every answer against its own model
 * (see {@link ModelWorkload}).
 */
class MultiClientTest {
    private static final Duration WORKLOAD_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern RESULT =
            Pattern.compile("RESULT client=(\\d+) ops=(\\d+) mismatches=(\\d+) errors=(\\d+) foreign=(\\d+) .*");

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void severalClientProcessesAtOnceEachGetTheAnswersTheirModelPredicts() {
        ServerProcess server = ServerProcess.start(processes, "multi");
        List<Result> results = runClients(server, 4, 25_000, 64, 256);
        for (Result result : results) {
            assertThat(result.ops).isEqualTo(25_000 + 256);
            assertThat(result.mismatches)
                    .as("mismatches of client %d", result.client)
                    .isZero();
            assertThat(result.errors).as("errors of client %d", result.client).isZero();
        }
    }

    @Test
    void twoClientsNeverReceiveEachOthersAnswers() {
        // Eight response slots per client: both clients reuse the same slot numbers thousands of times and
        // keep hundreds of requests waiting for a slot, the load under which shared or colliding response
        // tables (the original's task_id % 1024) hand one client's answer to the other.
        ServerProcess server = ServerProcess.start(processes, "two", Args.of("responseSlots", 8));
        List<Result> results = runClients(server, 2, 60_000, 512, 1024);
        for (Result result : results) {
            assertThat(result.foreign)
                    .as("answers of the other client seen by client %d", result.client)
                    .isZero();
            assertThat(result.mismatches)
                    .as("mismatches of client %d", result.client)
                    .isZero();
            assertThat(result.errors).as("errors of client %d", result.client).isZero();
            assertThat(result.ops).isEqualTo(60_000 + 1024);
        }
    }

    /** Starts the clients, lets them all run at once, and collects their results. */
    private List<Result> runClients(ServerProcess server, int clients, int ops, int window, int keys) {
        List<ProcessFixture.Child> children = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            children.add(processes.start(
                    "client-" + c,
                    ClientWorkerMain.class,
                    Args.of("name", server.name()),
                    Args.of("client", c),
                    Args.of("ops", ops),
                    Args.of("window", window),
                    Args.of("keys", keys),
                    Args.of("seed", System.nanoTime() + c)));
        }
        children.forEach(child -> child.awaitLine("READY", ServerProcess.STARTUP));
        children.forEach(child -> child.send("go"));
        List<Result> results = new ArrayList<>();
        for (ProcessFixture.Child child : children) {
            String line = child.awaitLine("RESULT", WORKLOAD_TIMEOUT);
            System.out.println(child + ": " + line);
            child.lines().stream().filter(l -> l.startsWith("PROBLEM")).forEach(System.out::println);
            assertThat(child.awaitExit(Duration.ofSeconds(30)))
                    .as("exit code of %s", child)
                    .isZero();
            results.add(Result.parse(line));
        }
        return results;
    }

    private record Result(int client, long ops, long mismatches, long errors, long foreign) {
        static Result parse(String line) {
            Matcher m = RESULT.matcher(line);
            assertThat(m.matches()).as("result line '%s'", line).isTrue();
            return new Result(
                    Integer.parseInt(m.group(1)),
                    Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)),
                    Long.parseLong(m.group(5)));
        }
    }
}
