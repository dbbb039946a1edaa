package io.concurrentkvs.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A weighted choice of operations for {@code kvs bench}, parsed from {@code get:90,set:10}. Immutable and
 * thread-safe; {@link #pick} takes the caller's random generator.
 */
final class OperationMix {
    /** The operations a mix may name. */
    enum Op {
        GET,
        SET,
        POST,
        DEL
    }

    private final Map<Op, Integer> weights;
    private final Op[] ops;
    private final int[] cumulative;
    private final int total;

    private OperationMix(Map<Op, Integer> weights) {
        this.weights = weights;
        List<Op> chosen = new ArrayList<>();
        List<Integer> bounds = new ArrayList<>();
        int sum = 0;
        for (Map.Entry<Op, Integer> e : weights.entrySet()) {
            if (e.getValue() > 0) {
                sum += e.getValue();
                chosen.add(e.getKey());
                bounds.add(sum);
            }
        }
        this.ops = chosen.toArray(new Op[0]);
        this.cumulative = bounds.stream().mapToInt(Integer::intValue).toArray();
        this.total = sum;
    }

    /**
     * Parses {@code op:weight[,op:weight...]} with ops get, set, post, del and non-negative integer weights.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static OperationMix parse(String text) {
        Map<Op, Integer> weights = new EnumMap<>(Op.class);
        for (String part : text.split(",")) {
            String[] pair = part.trim().split(":");
            if (pair.length != 2) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not op:weight, e.g. get:90");
            }
            Op op;
            try {
                op = Op.valueOf(pair[0].trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown operation '" + pair[0].trim() + "': use get, set, post or del");
            }
            int weight;
            try {
                weight = Integer.parseInt(pair[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "weight '" + pair[1].trim() + "' of " + pair[0].trim() + " is not a whole number");
            }
            if (weight < 0 || weight > 1_000_000) {
                throw new IllegalArgumentException("weight of " + pair[0].trim() + " must be 0..1000000: " + weight);
            }
            if (weights.put(op, weight) != null) {
                throw new IllegalArgumentException("operation " + pair[0].trim() + " is given twice");
            }
        }
        if (weights.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException("at least one weight must be positive");
        }
        return new OperationMix(weights);
    }

    /** An operation chosen with probability proportional to its weight. */
    Op pick(RandomGenerator random) {
        if (ops.length == 1) {
            return ops[0];
        }
        int r = random.nextInt(total);
        for (int i = 0; i < cumulative.length; i++) {
            if (r < cumulative[i]) {
                return ops[i];
            }
        }
        throw new AssertionError("unreachable: " + r + " >= " + total);
    }

    @Override
    public String toString() {
        return weights.entrySet().stream()
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** Lets picocli report a bad {@code --mix} as a usage error. */
    static final class Converter implements ITypeConverter<OperationMix> {
        @Override
        public OperationMix convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
