package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.KvsUnavailableException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kvs demo}: a server process and a client, every operation shown in the blocking, async and
 * reactive views, a graceful stop, exit 0.
 */
class DemoCommandIT {
    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @Test
    void demoShowsEveryOperationStopsItsServerAndExitsZero() {
        CliResult demo = kvs.run("demo");

        assertThat(demo.exitCode()).as(demo.describe()).isZero();
        String out = demo.stdout();
        assertThat(out)
                .as(demo.describe())
                .contains("[server] kvs server: serving 'kvs-demo-")
                .containsPattern("set\\s+user:1 = \"Ada Lovelace\"\\s+-> true\\s+stored")
                .containsPattern("get\\s+user:1\\s+-> \"Ada Lovelace\"\\s+found")
                .containsPattern("post\\s+user:1 = \"Grace Hopper\"\\s+-> false\\s+key exists")
                .containsPattern("del\\s+user:1\\s+-> true\\s+deleted")
                .containsPattern("get\\s+user:1\\s+-> \\(absent\\)\\s+absent")
                .contains("sent 3 setAsync without waiting")
                .containsPattern("get\\*4\\s+lang:1..4\\s+-> \\[\"Java\", \"C\\+\\+\", \"Rust\", \\(absent\\)\\]")
                .containsPattern("get\\s+lang:3 \\(Mono<Optional<String>>\\)\\s+-> \"Rust\"\\s+found")
                .containsPattern("get\\s+lazy:1 \\(a set Mono, unsubscribed\\)\\s+-> \\(absent\\)")
                .containsPattern("setAll\\s+city:1..100 \\(window 8\\)\\s+-> 100 x true")
                .containsPattern("rows asked of the upstream\\s+-> first 8, never more than 8\\s+backpressure")
                .containsPattern("getAll\\s+city:1, city:100, city:0\\s+-> \\[\"city number 1\", \"city number 100\","
                        + " \\(absent\\)\\]")
                .contains("stats     served 128 requests")
                .contains("[server] kvs server: stopped.")
                .contains("exited with code 143")
                .contains("done: every answer was as expected")
                .doesNotContain("UNEXPECTED");
        assertThat(demo.stderr()).as(demo.describe()).isEmpty();

        Matcher store = Pattern.compile("store '(kvs-demo-[0-9]+-[0-9a-f]+)'").matcher(out);
        assertThat(store.find()).as(out).isTrue();
        assertThatThrownBy(() -> KvsStats.read(store.group(1)))
                .as("the demo's region is removed")
                .isInstanceOf(KvsUnavailableException.class);
        StoreFiles files = StoreFiles.of(store.group(1));
        assertThat(files.region()).as("the demo's region is removed").doesNotExist();
        assertThat(files.store()).as("the demo's store file is removed").doesNotExist();
        assertThat(out).contains("removed the demo's store file " + files.store());
        Matcher pid = Pattern.compile("server process (\\d+) exited").matcher(out);
        assertThat(pid.find()).as(out).isTrue();
        assertThat(ProcessHandle.of(Long.parseLong(pid.group(1)))
                        .map(ProcessHandle::isAlive)
                        .orElse(false))
                .as("server process gone")
                .isFalse();
    }
}
