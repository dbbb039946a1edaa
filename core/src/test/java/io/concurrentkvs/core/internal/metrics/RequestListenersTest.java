package io.concurrentkvs.core.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestListenersTest {
    private final RequestListeners listeners = new RequestListeners();

    @Test
    void noListenerMeansNoCurrentListenerForTheRequestPathToCall() {
        assertThat(listeners.current()).isNull();
        RequestListener one = (op, outcome, nanos) -> {};
        listeners.add(one);
        assertThat(listeners.remove(one)).isTrue();
        assertThat(listeners.current()).isNull();
        assertThat(listeners.remove(one)).isFalse();
    }

    @Test
    void everyRegisteredListenerHearsOfEachRequestEvenIfAnotherThrows() {
        List<String> heard = new ArrayList<>();
        RequestListener failing = (op, outcome, nanos) -> {
            throw new IllegalStateException("broken listener");
        };
        listeners.add((op, outcome, nanos) -> heard.add("a:" + op.tag() + ":" + outcome.tag() + ":" + nanos));
        listeners.add(failing);
        listeners.add((op, outcome, nanos) -> heard.add("b:" + op.tag() + ":" + outcome.tag() + ":" + nanos));
        assertThatThrownBy(() -> listeners.current().requestCompleted(RequestOp.GET, RequestOutcome.HIT, 7))
                .hasMessage("broken listener");
        assertThat(heard).containsExactly("a:get:hit:7", "b:get:hit:7");
        listeners.remove(failing);
        heard.clear();
        listeners.current().requestCompleted(RequestOp.DEL, RequestOutcome.TIMEOUT, 9);
        assertThat(heard).containsExactly("a:del:timeout:9", "b:del:timeout:9");
    }

    @Test
    void servedRequestsCountOnOverRestartsAndNeverGoBack() {
        ServedRequests served = new ServedRequests();
        served.published(RequestOp.SET, 5);
        served.published(RequestOp.SET, 3); // a stale publisher of the same run
        assertThat(served.total(RequestOp.SET)).isEqualTo(5);
        served.runEnded();
        served.published(RequestOp.SET, 2); // the next run counts from zero
        assertThat(served.total(RequestOp.SET)).isEqualTo(7);
        assertThat(served.total(RequestOp.GET)).isZero();
    }
}
