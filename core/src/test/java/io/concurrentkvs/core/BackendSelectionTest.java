package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A connection string with a scheme goes to a backend found on the classpath; core's own tests have none,
 * so a Redis URL fails at once with a {@link KvsException} naming the artifact to add, and a store name
 * still goes to shared memory.
 */
class BackendSelectionTest {
    @Test
    void aRedisUrlWithoutTheRedisModuleNamesTheArtifact() {
        assertThatThrownBy(() -> KvsConnection.connect("redis://127.0.0.1:6379"))
                .isExactlyInstanceOf(KvsException.class)
                .hasMessageContaining("io.concurrentkvs:kvs-redis")
                .hasMessageContaining("redis://");
    }

    @Test
    void aRedisClusterUrlWithoutTheRedisModuleNamesTheArtifact() {
        assertThatThrownBy(() -> KvsConnection.connect("redis-cluster://127.0.0.1:7000,127.0.0.1:7001"))
                .isExactlyInstanceOf(KvsException.class)
                .hasMessageContaining("io.concurrentkvs:kvs-redis");
    }

    @Test
    void anUnknownSchemeIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> KvsConnection.connect("memcached://127.0.0.1:11211"))
                .isExactlyInstanceOf(KvsException.class)
                .hasMessageContaining("unknown connection scheme 'memcached://'")
                .hasMessageContaining("redis://");
    }

    @Test
    void aRegionPathOptionIsRefusedForAUrl() {
        ConnectionOptions options =
                ConnectionOptions.builder().path(Path.of("/tmp/x")).build();
        assertThatThrownBy(() -> KvsConnection.connect("redis://127.0.0.1:6379", options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ConnectionOptions.path");
    }

    @Test
    void aStoreNameStillGoesToSharedMemory() {
        assertThatThrownBy(() -> KvsConnection.connect(
                        "no_such_store_" + ProcessHandle.current().pid()))
                .isInstanceOf(KvsUnavailableException.class);
    }
}
