package io.concurrentkvs.bench.jmh;

import io.concurrentkvs.core.Codec;
import io.concurrentkvs.core.Codecs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The built-in codecs on the shapes the load generator uses: a 12-character key string, a 100-byte
 * value, a long. Every encode allocates (the API returns a fresh array); run with {@code -prof gc} to
 * see the bytes per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CodecBenchmark {
    private final Codec<String> string = Codecs.string();
    private final Codec<Long> int64 = Codecs.int64();
    private final Codec<byte[]> bytes = Codecs.bytes();
    private final String key = "kxxxx1234567";
    private final byte[] keyBytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private final byte[] value = new byte[100];
    private final byte[] longBytes = int64.encode(1234567L);
    private long n = 1234567L;

    @Benchmark
    public byte[] stringEncode() {
        return string.encode(key);
    }

    @Benchmark
    public String stringDecode() {
        return string.decode(keyBytes);
    }

    @Benchmark
    public byte[] int64Encode() {
        return int64.encode(n++);
    }

    @Benchmark
    public Long int64Decode() {
        return int64.decode(longBytes);
    }

    @Benchmark
    public byte[] bytesEncode100() {
        return bytes.encode(value);
    }

    @Benchmark
    public byte[] bytesDecode100() {
        return bytes.decode(value);
    }
}
