package io.concurrentkvs.bench.load;

/**
 * One line of the result table: a scenario (with its key space and client processes) on one system.
 * {@code serverBytesPerOp} and {@code serverCpuNanosPerOp} are NaN where the server is not observable
 * (Redis, Chronicle).
 */
record Row(
        String scenario,
        String system,
        Measurement.Aggregate result,
        double serverBytesPerOp,
        double serverCpuNanosPerOp) {}
