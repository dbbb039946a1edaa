package io.concurrentkvs.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Describes the machine and JVM a run used: printed first, so numbers never travel without it. Stateless;
 * public for the in-process store harnesses.
 */
public final class Environment {
    private Environment() {}

    public static String describe(List<String> childJvmArgs) {
        return describe(childJvmArgs, "every child JVM");
    }

    /** As {@link #describe(List)}, saying whose JVM arguments {@code jvmArgs} are. */
    public static String describe(List<String> jvmArgs, String whose) {
        Runtime rt = Runtime.getRuntime();
        StringBuilder sb = new StringBuilder();
        sb.append("date:     ").append(ZonedDateTime.now()).append('\n');
        sb.append("machine:  ")
                .append(cpuModel())
                .append(", ")
                .append(rt.availableProcessors())
                .append(" CPUs, ")
                .append(memTotal())
                .append(", ")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.version"))
                .append('\n');
        sb.append("load:     ").append(loadAverage()).append(" (1/5/15 min; others share this machine)\n");
        sb.append("jvm:      ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.runtime.version"))
                .append(" (")
                .append(System.getProperty("java.vm.vendor"))
                .append("), ")
                .append(System.getProperty("java.home"))
                .append('\n');
        sb.append("jvm args: ")
                .append(String.join(" ", jvmArgs))
                .append(" (")
                .append(whose)
                .append(")\n");
        return sb.toString();
    }

    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return (kb / 1024 / 1024) + " GiB RAM";
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "? RAM";
    }
}
