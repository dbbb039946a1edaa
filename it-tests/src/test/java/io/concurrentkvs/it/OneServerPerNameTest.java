package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.internal.region.RegionPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One server per name, with real server JVMs: of several started at once exactly one serves, the others are
 * refused naming its pid and its lock file, and every client reaches that one; a server killed with SIGKILL
 * leaves the lock to the next one, which adopts the store.
 *
 * <p>Whether the lock is held is asked from this JVM, which never holds it: a POSIX lock that its holder
 * dropped by closing a descriptor of the file is invisible inside the holder's own process.
 */
class OneServerPerNameTest {
    private static final int CONTENDERS = 4;
    private static final String[] SERVER_ARGS = {
        Args.of("maxEntries", 4096),
        Args.of("maxDataBytes", 4L << 20),
        Args.of("ringSize", 256),
        Args.of("maxClients", 8)
    };
    private static final Pattern READY_PID = Pattern.compile("READY pid=(\\d+) .*");

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void ofServersStartedAtOnceOnOneNameExactlyOneServesAndTheOthersAreRefusedNamingItsPid() {
        String name = ProcessFixture.uniqueName("oneper");
        Path lock = lockPath(name);
        processes.destroyStoreAfterTest(name);
        List<ProcessFixture.Child> contenders = new ArrayList<>();
        for (int i = 0; i < CONTENDERS; i++) {
            contenders.add(processes.start("server-" + i, ServerMain.class, withName(name)));
        }
        await("every contender to serve or be refused")
                .atMost(ServerProcess.STARTUP.multipliedBy(2))
                .until(() -> contenders.stream()
                        .allMatch(c -> c.findLine("READY").isPresent()
                                || c.findLine("REFUSED").isPresent()
                                || !c.isAlive()));

        List<ProcessFixture.Child> serving =
                contenders.stream().filter(c -> c.findLine("READY").isPresent()).toList();
        assertThat(serving).as("contenders that serve").hasSize(1);
        ProcessFixture.Child winner = serving.get(0);
        long winnerPid = readyPid(winner);
        assertThat(winnerPid).isEqualTo(winner.pid());
        for (ProcessFixture.Child loser : contenders) {
            if (loser != winner) {
                assertRefusedBy(loser, winnerPid, lock);
            }
        }

        // The refused servers opened and closed the lock file in their own processes: the winner still holds it.
        assertThat(probe(lock)).isEqualTo("HELD pid=" + winnerPid);
        ProcessFixture.Child late = processes.start("late-server", ServerMain.class, withName(name));
        late.awaitLine("REFUSED", ServerProcess.STARTUP);
        assertRefusedBy(late, winnerPid, lock);

        // Every client reaches the one server: each sees what the others wrote.
        List<KvsClient<String, String>> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(KvsClient.connect(name, Codecs.string(), Codecs.string()));
            }
            for (int i = 0; i < clients.size(); i++) {
                assertThat(clients.get(i).set("from-" + i, "v" + i)).isTrue();
            }
            for (KvsClient<String, String> client : clients) {
                for (int i = 0; i < clients.size(); i++) {
                    assertThat(client.get("from-" + i)).contains("v" + i);
                }
            }
            assertThat(KvsStats.read(name).serverPid()).isEqualTo(winnerPid);
        } finally {
            clients.forEach(KvsClient::close);
        }
        assertThat(probe(lock)).isEqualTo("HELD pid=" + winnerPid);

        new ServerProcess(name, winner).stopGracefully();
        assertThat(probe(lock)).as("the lock file goes with its server").isEqualTo("ABSENT");
    }

    @Test
    void aServerKilledWithSigkillLeavesTheLockToTheNextServerWhichAdoptsTheStore() {
        String name = ProcessFixture.uniqueName("onekill");
        Path lock = lockPath(name);
        ServerProcess first = ServerProcess.startOn(processes, name, "first", SERVER_ARGS);
        try (KvsClient<String, String> kvs = KvsClient.connect(name, Codecs.string(), Codecs.string())) {
            for (int i = 0; i < 100; i++) {
                assertThat(kvs.set("k" + i, "v" + i)).isTrue();
            }
        }
        assertThat(probe(lock)).isEqualTo("HELD pid=" + first.child().pid());

        first.child().kill9();
        assertThat(probe(lock))
                .as("a killed server's lock file stays, unlocked")
                .isEqualTo("FREE pid=" + first.child().pid());

        ServerProcess next = ServerProcess.startOn(processes, name, "next", SERVER_ARGS);
        assertThat(next.readyEntries()).as("entries the next server adopted").isEqualTo(100);
        assertThat(probe(lock)).isEqualTo("HELD pid=" + next.child().pid());
        try (KvsClient<String, String> kvs = KvsClient.connect(name, Codecs.string(), Codecs.string())) {
            assertThat(kvs.get("k0")).contains("v0");
            assertThat(kvs.get("k99")).contains("v99");
        }
        assertThat(KvsStats.read(name).serverPid()).isEqualTo(next.child().pid());
        ProcessFixture.Child intruder = processes.start("intruder", ServerMain.class, withName(name));
        intruder.awaitLine("REFUSED", ServerProcess.STARTUP);
        assertRefusedBy(intruder, next.child().pid(), lock);
        next.stopGracefully();
    }

    private static String[] withName(String name) {
        List<String> args = new ArrayList<>(List.of(Args.of("name", name)));
        args.addAll(List.of(SERVER_ARGS));
        return args.toArray(String[]::new);
    }

    private static Path lockPath(String name) {
        Path region = RegionPaths.defaultPath(name);
        return region.resolveSibling(region.getFileName() + ".lock");
    }

    private static long readyPid(ProcessFixture.Child child) {
        Matcher m = READY_PID.matcher(child.findLine("READY").orElseThrow());
        assertThat(m.matches()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static void assertRefusedBy(ProcessFixture.Child loser, long holderPid, Path lock) {
        Optional<String> refusal = loser.findLine("REFUSED");
        assertThat(refusal).as("%s's refusal", loser).isPresent();
        assertThat(refusal.get())
                .startsWith("REFUSED pid=" + holderPid + " ")
                .contains("live process " + holderPid + ": it holds the lock " + lock);
        assertThat(loser.awaitExit(ServerProcess.STARTUP)).isEqualTo(ServerMain.EXIT_REFUSED);
    }

    /**
     * {@code ABSENT}, or {@code HELD|FREE pid=<pid in the lock record>}. Safe only in a process that holds no
     * lock on the file, as this test's JVM: closing the descriptor would drop such a lock.
     */
    private static String probe(Path lock) {
        try (FileChannel channel =
                FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer record = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(record, 0);
            long pid = record.position() == 32 ? record.getLong(16) : 0;
            FileLock taken = channel.tryLock();
            return (taken == null ? "HELD" : "FREE") + " pid=" + pid;
        } catch (NoSuchFileException absent) {
            return "ABSENT";
        } catch (IOException e) {
            throw new IllegalStateException("cannot probe " + lock, e);
        }
    }
}
