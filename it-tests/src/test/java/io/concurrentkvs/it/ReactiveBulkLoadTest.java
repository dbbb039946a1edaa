package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.KvsStats;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One JVM writes a million entries through a single reactive {@code setAll} stream while another JVM
 * reads them: the writer's heap stays bounded by the window (it runs with a heap far too small to hold
 * the stream), every write is acknowledged, the reader never sees a wrong value, and afterwards the
 * server holds exactly the million entries.
 */
class ReactiveBulkLoadTest {
    private static final int ENTRIES = 1_000_000;
    /** A million entries as keys, values, map entries and futures would need several hundred megabytes. */
    private static final String WRITER_HEAP = "-Xmx48m";

    private static final Pattern DONE = Pattern.compile("DONE acknowledged=(\\d+) failed=(\\d+) peakHeapBytes=(\\d+)");
    private static final Pattern READS = Pattern.compile("READS reads=(\\d+) found=(\\d+) wrong=(\\d+) errors=(\\d+)");

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void aMillionEntriesThroughOneSetAllStreamWithABoundedHeapWhileAnotherProcessReads() {
        ServerProcess server = ServerProcess.start(processes, "bulk");
        ProcessFixture.Child writer = processes.start(
                "writer",
                List.of(WRITER_HEAP),
                BulkWriterMain.class,
                Args.of("name", server.name()),
                Args.of("count", ENTRIES),
                Args.of("window", 256));
        ProcessFixture.Child reader = processes.start(
                "reader",
                BulkReaderMain.class,
                Args.of("name", server.name()),
                Args.of("count", ENTRIES),
                Args.of("seed", System.nanoTime()));
        writer.awaitLine("READY", ServerProcess.STARTUP);
        reader.awaitLine("READY", ServerProcess.STARTUP);
        reader.send("go");
        writer.send("go");

        Matcher done = DONE.matcher(writer.awaitLine("DONE", Duration.ofMinutes(5)));
        assertThat(done.matches()).isTrue();
        reader.send("stop");
        Matcher reads = READS.matcher(reader.awaitLine("READS", Duration.ofMinutes(1)));
        assertThat(reads.matches()).isTrue();

        assertThat(Long.parseLong(done.group(1))).as("writes acknowledged").isEqualTo(ENTRIES);
        assertThat(Long.parseLong(done.group(2))).as("writes refused").isZero();
        System.out.printf(
                "writer peak heap %d MB (limit %s); reader: %s%n",
                Long.parseLong(done.group(3)) >> 20, WRITER_HEAP, reads.group());
        assertThat(Long.parseLong(reads.group(3))).as("wrong values read").isZero();
        assertThat(Long.parseLong(reads.group(4))).as("failed reads").isZero();
        assertThat(Long.parseLong(reads.group(1)))
                .as("reads made while writing")
                .isPositive();
        assertThat(writer.findLine("PROBLEM")).isEmpty();
        assertThat(reader.findLine("PROBLEM")).isEmpty();
        await("the server's published entry count")
                .atMost(Duration.ofSeconds(30))
                .until(() -> KvsStats.read(server.name()).storedEntries() == ENTRIES);
    }
}
