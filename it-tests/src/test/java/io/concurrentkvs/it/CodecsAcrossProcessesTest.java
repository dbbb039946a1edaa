package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every codec (string, int32, int64, bytes, and a user type through {@code Codec.of}) carries values from
 * one client JVM, through the server JVM, to another client JVM unchanged.
 */
class CodecsAcrossProcessesTest {
    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void valuesWrittenByAnotherProcessDecodeToEqualValuesWithEveryCodec() {
        ServerProcess server = ServerProcess.start(processes, "codecs");
        ProcessFixture.Child writer = processes.start("writer", CodecWriterMain.class, Args.of("name", server.name()));
        writer.awaitLine("WROTE", Duration.ofSeconds(60));
        assertThat(writer.awaitExit(Duration.ofSeconds(30))).isZero();

        try (KvsConnection conn = KvsConnection.connect(server.name())) {
            for (CodecSample<?> sample : CodecSample.all()) {
                assertSamplesReadBack(conn, sample);
            }
            KvsClient<Point, String> byPoint = KvsClient.of(conn, Point.CODEC, Codecs.string());
            for (int i = 0; i < CodecWriterMain.POINT_KEYS; i++) {
                assertThat(byPoint.get(CodecWriterMain.pointKey(i))).contains("point-value-" + i);
            }
            assertThat(byPoint.get(new Point(-1, -1, "nowhere"))).isEmpty();
        }
    }

    private static <T> void assertSamplesReadBack(KvsConnection conn, CodecSample<T> sample) {
        KvsClient<String, T> client = KvsClient.of(conn, Codecs.string(), sample.codec());
        for (int i = 0; i < sample.count(); i++) {
            Optional<T> value = client.get(sample.key(i));
            assertThat(value).as("%s sample %d", sample.name(), i).isPresent();
            assertThat(sample.matches(i, value.get()))
                    .as("%s sample %d: expected %s, read %s", sample.name(), i, sample.value(i), value.get())
                    .isTrue();
            // The same codec on the write path of this process: post never overwrites, del removes.
            assertThat(client.post(sample.key(i), sample.value((i + 1) % sample.count())))
                    .isFalse();
            assertThat(client.del(sample.key(i))).isTrue();
            assertThat(client.get(sample.key(i))).isEmpty();
        }
    }

    @Test
    void numericCodecsWorkAsKeys() {
        ServerProcess server = ServerProcess.start(processes, "numkeys");
        try (KvsConnection conn = KvsConnection.connect(server.name())) {
            KvsClient<Integer, Long> ints = KvsClient.of(conn, Codecs.int32(), Codecs.int64());
            KvsClient<Long, byte[]> longs = KvsClient.of(conn, Codecs.int64(), Codecs.bytes());
            assertThat(ints.set(7, Long.MAX_VALUE)).isTrue();
            assertThat(longs.set(7L, new byte[] {1, 2, 3})).isTrue();
            // Same number, different encodings (4 vs 8 bytes): two different keys.
            assertThat(ints.get(7)).contains(Long.MAX_VALUE);
            assertThat(longs.get(7L)).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
            assertThat(ints.get(8)).isEmpty();
        }
    }
}
