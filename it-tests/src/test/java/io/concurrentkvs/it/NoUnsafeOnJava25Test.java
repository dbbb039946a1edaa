package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.concurrentkvs.core.internal.memory.MemoryAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On Java 25 a server JVM and a client JVM serve and answer real requests through shared memory (blocking
 * and reactive views) without {@code sun.misc.Unsafe}: neither prints its deprecation warning, and neither
 * even loads {@code sun.misc.Unsafe}, Chronicle Core or our Unsafe memory classes (their class initialisers may call Unsafe).
 *
 * <p>The Java 25 installation is {@code /usr/lib/jvm/temurin-25-jdk-amd64} (system property {@code
 * kvs.java25.home} to point elsewhere); the tests are skipped, saying so, where it is absent.
 */
class NoUnsafeOnJava25Test {
    private static final Path JAVA25 =
            Paths.get(System.getProperty("kvs.java25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    private static final List<String> WARNING_WORDS = List.of("sun.misc.Unsafe", "terminally deprecated");
    /** Class-load log lines name the class between spaces ({@code [info][class,load] <name> source: ...}). */
    private static final List<String> UNSAFE_CLASSES = List.of(
            " sun.misc.Unsafe ",
            "net.openhft.",
            "io.concurrentkvs.core.internal.memory.OffHeapMemory",
            "io.concurrentkvs.core.internal.memory.UnsafeBackend");

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void aServerAndAClientOnJava25ServeRequestsWithoutTouchingUnsafe() throws IOException {
        assumeJava25();
        String name = ProcessFixture.uniqueName("java25");
        processes.destroyStoreAfterTest(name);
        Path serverClasses = processes.logDirectory().resolve("server.classes");
        Path clientClasses = processes.logDirectory().resolve("client.classes");

        ProcessFixture.Child server = processes.startOnJava(
                "server", JAVA25, List.of(classLog(serverClasses)), ServerMain.class, Args.of("name", name));
        server.awaitLine("READY", ServerProcess.STARTUP);
        ProcessFixture.Child client = processes.startOnJava(
                "client", JAVA25, List.of(classLog(clientClasses)), RoundTripClientMain.class, Args.of("name", name));
        String result = client.awaitLine("ROUNDTRIP", ServerProcess.STARTUP);
        assertThat(client.awaitExit(ServerProcess.STARTUP)).as(result).isZero();
        assertThat(result).contains("memory=" + MemoryAccess.VARHANDLE).contains("wrong=0");
        new ServerProcess(name, server).stopGracefully();

        for (ProcessFixture.Child child : List.of(server, client)) {
            assertThat(outputOf(child))
                    .as("everything %s printed", child)
                    .isNotEmpty()
                    .noneMatch(line -> WARNING_WORDS.stream().anyMatch(line::contains));
        }
        for (Path classes : List.of(serverClasses, clientClasses)) {
            List<String> loaded = Files.readAllLines(classes);
            assertThat(loaded)
                    .as("classes loaded, in %s", classes)
                    .anyMatch(line -> line.contains("io.concurrentkvs.core.internal.memory.VarHandleBackend "))
                    .noneMatch(line -> UNSAFE_CLASSES.stream().anyMatch(line::contains));
        }
    }

    /** The control: the same checks do see the warning when the Unsafe path is forced on Java 25. */
    @Test
    void forcingTheUnsafePathOnJava25PrintsTheWarningTheTestAboveLooksFor() {
        assumeJava25();
        ProcessFixture.Child server = processes.startOnJava(
                "server",
                JAVA25,
                List.of("-D" + MemoryAccess.PROPERTY + "=" + MemoryAccess.UNSAFE),
                ServerMain.class,
                Args.of("name", uniqueStore()));
        server.awaitLine("READY", ServerProcess.STARTUP);
        assertThat(outputOf(server)).anyMatch(line -> line.contains("terminally deprecated"));
        assertThat(outputOf(server)).anyMatch(line -> line.contains("sun.misc.Unsafe"));
    }

    private String uniqueStore() {
        String name = ProcessFixture.uniqueName("java25-unsafe");
        processes.destroyStoreAfterTest(name);
        return name;
    }

    private static void assumeJava25() {
        assumeTrue(
                Files.isExecutable(JAVA25.resolve("bin").resolve("java")),
                "no Java 25 at " + JAVA25 + " (set -Dkvs.java25.home): this test needs one to run on");
    }

    private static String classLog(Path file) {
        return "-Xlog:class+load=info:file=" + file.toAbsolutePath();
    }

    private static List<String> outputOf(ProcessFixture.Child child) {
        List<String> lines = new ArrayList<>(child.lines());
        lines.addAll(child.errorLines());
        return lines;
    }
}
