package io.concurrentkvs.it;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.internal.memory.MemoryAccess;
import io.concurrentkvs.reactive.ReactiveKvsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import reactor.core.publisher.Flux;

/**
 * A client process that writes and reads back keys through two views of one connection: half with the
 * blocking {@link KvsClient} ({@code set}, {@code get}, {@code del}), half with the reactive view
 * ({@code setAll} with backpressure, {@code getAll}, {@code get}).
 *
 * <p>Arguments: {@code name}, {@code keys} (default 200). Prints {@code ROUNDTRIP memory=<this JVM's
 * memory access, see MemoryAccess> checked=<answers compared> wrong=<answers not as expected>} and exits
 * with code 0 if every answer was as expected, 1 otherwise.
 */
public final class RoundTripClientMain {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private RoundTripClientMain() {}

    public static void main(String[] argv) {
        Args args = Args.parse(argv);
        int keys = args.integer("keys", 200);
        long checked = 0;
        long wrong = 0;
        try (KvsConnection conn = KvsConnection.connect(args.string("name"))) {
            KvsClient<String, String> blocking = KvsClient.of(conn, Codecs.string(), Codecs.string());
            for (int i = 0; i < keys / 2; i++) {
                wrong += blocking.set(key(i), value(i)) ? 0 : 1;
            }
            for (int i = 0; i < keys / 2; i++) {
                checked++;
                wrong += blocking.get(key(i)).equals(Optional.of(value(i))) ? 0 : 1;
            }
            checked++;
            wrong += blocking.del(key(0)) && blocking.get(key(0)).isEmpty() ? 0 : 1;

            ReactiveKvsClient<String, String> reactive =
                    ReactiveKvsClient.create(conn, Codecs.string(), Codecs.string());
            List<Map.Entry<String, String>> entries = IntStream.range(keys / 2, keys)
                    .mapToObj(i -> Map.entry(key(i), value(i)))
                    .collect(Collectors.toList());
            List<Boolean> stored = reactive.setAll(Flux.fromIterable(entries), 16)
                    .collectList()
                    .block(TIMEOUT);
            wrong += stored == null || stored.size() != entries.size() || stored.contains(false) ? 1 : 0;
            List<Optional<String>> read = reactive.getAll(
                            Flux.fromIterable(entries).map(Map.Entry::getKey), 16)
                    .collectList()
                    .block(TIMEOUT);
            for (int i = 0; i < entries.size(); i++) {
                checked++;
                boolean ok = read != null
                        && read.size() == entries.size()
                        && read.get(i).equals(Optional.of(entries.get(i).getValue()));
                wrong += ok ? 0 : 1;
            }
            checked++;
            Optional<String> one = reactive.get(key(keys - 1)).block(TIMEOUT);
            wrong += Optional.of(value(keys - 1)).equals(one) ? 0 : 1;
        }
        Stdin.report("ROUNDTRIP memory=" + MemoryAccess.name() + " checked=" + checked + " wrong=" + wrong);
        System.exit(wrong == 0 ? 0 : 1);
    }

    static String key(int i) {
        return "roundtrip:" + i;
    }

    static String value(int i) {
        return "value-" + i + "-" + "x".repeat(i % 50);
    }
}
