package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void roundTrip() throws Exception {
        try (KvsServer server = KvsServer.builder("kvs-smoke-" + ProcessHandle.current().pid()).build()) {
            assertThat(server.start()).isTrue();
            try (KvsConnection conn = KvsConnection.connect(server.name())) {
                AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
                assertThat(c.set("k", "v").get()).isTrue();
                assertThat(c.get("k").get()).isEqualTo(Optional.of("v"));
                assertThat(c.post("k", "w").get()).isFalse();
                assertThat(c.del("k").get()).isTrue();
                assertThat(c.get("k").join()).isEmpty();
                long t0 = System.nanoTime();
                for (int i = 0; i < 200_000; i++) {
                    c.get("k").join();
                }
                System.out.println("sync get avg ns: " + (System.nanoTime() - t0) / 200_000);
            }
        }
    }
}
