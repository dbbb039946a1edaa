package io.concurrentkvs.reactive;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound settings for this module's tests, loaded by BlockHound's {@code ServiceLoader}.
 *
 * <p>BlockHound counts {@code Thread.onSpinWait()} as blocking. The request ring's {@code claim} calls it
 * while it retries a lost CAS against another producer, a retry loop bounded by a fixed count that then
 * reports the ring full: a spin hint, not a wait, so it is allowed there and only there. Everything
 * else on the send path must pass unmodified.
 */
public final class KvsBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.concurrentkvs.core.internal.ring.RequestRing", "claim");
    }
}
