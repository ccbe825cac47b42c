package io.jrq.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The suite's command line; see {@link #USAGE}. */
final class Options {
    static final String USAGE = """
            usage: Bench [options]
              --n N                 jobs per throughput run (default 20000)
              --concurrency LIST    worker concurrencies for the end-to-end runs (default 1,10,50,200)
              --parts LIST          any of e2e,enqueue,first,latency,cost,shapes,growth,workers,
                                    partitions (default: all but partitions, which starts a
                                    3-master cluster of its own)
              --threads LIST        client threads for single enqueues (default 1,16)
              --rates LIST          offered loads in jobs/s for pickup latency (default 1000,10000)
              --rate-seconds S      how long each offered load runs (default 6)
              --idle-jobs K         jobs for idle pickup latency, one at a time (default 200)
              --backlog LIST        jobs already waiting for the growth runs (default 1000,1000000)
              --workers LIST        worker processes for the scaling runs (default 1,2,4)
              --at C                worker concurrency for latency, cost, shapes, growth and scaling runs
                                    (default: the best of the end-to-end runs, else 50)
              --worker-jvm OPTS     extra JVM options for worker processes, space-separated
              --redis-url URL       use this throw-away Redis (it gets FLUSHALL!) instead of a private one
              --redis-config LIST   settings of the private Redis, NAME=VALUE,... (e.g.
                                    hash-max-listpack-value=256); the default is Redis's own
            """;

    int n = 20_000;
    List<Integer> concurrency = List.of(1, 10, 50, 200);
    Set<String> parts =
            new LinkedHashSet<>(List.of("e2e", "enqueue", "first", "latency", "cost", "shapes", "growth", "workers"));
    /** Every part, the default ones and those run only when asked for. */
    static final Set<String> ALL_PARTS =
            Set.of("e2e", "enqueue", "first", "latency", "cost", "shapes", "growth", "workers", "partitions");

    List<Integer> threads = List.of(1, 16);
    List<Integer> rates = List.of(1000, 10_000);
    int rateSeconds = 6;
    int idleJobs = 200;
    List<Integer> backlog = List.of(1000, 1_000_000);
    List<Integer> workers = List.of(1, 2, 4);
    int at = -1;
    List<String> workerJvm = List.of();
    String redisUrl;
    /** Settings of the private Redis beyond the suite's own, in the order given. */
    Map<String, String> redisConfig = Map.of();

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--n" -> o.n = positive(a, v);
                case "--concurrency" -> o.concurrency = ints(a, v);
                case "--parts" -> {
                    Set<String> p = new LinkedHashSet<>(Arrays.asList(v.split(",")));
                    for (String s : p) {
                        if (!ALL_PARTS.contains(s)) {
                            throw new IllegalArgumentException(
                                    "unknown part '" + s + "'; parts: " + new java.util.TreeSet<>(ALL_PARTS));
                        }
                    }
                    o.parts = p;
                }
                case "--threads" -> o.threads = ints(a, v);
                case "--rates" -> o.rates = ints(a, v);
                case "--rate-seconds" -> o.rateSeconds = positive(a, v);
                case "--idle-jobs" -> o.idleJobs = positive(a, v);
                case "--backlog" -> o.backlog = ints(a, v);
                case "--workers" -> o.workers = ints(a, v);
                case "--at" -> o.at = positive(a, v);
                case "--worker-jvm" ->
                    o.workerJvm = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                case "--redis-url" -> o.redisUrl = v;
                case "--redis-config" -> o.redisConfig = settings(a, v);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        return o;
    }

    private static int positive(String option, String v) {
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive number, got: '" + v + "'");
    }

    private static Map<String, String> settings(String option, String v) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : v.split(",")) {
            int eq = s.indexOf('=');
            String name = eq < 0 ? "" : s.substring(0, eq).trim();
            String value = eq < 0 ? "" : s.substring(eq + 1).trim();
            if (!name.matches("[a-z][a-z0-9-]*") || value.isEmpty() || value.matches(".*\\s.*")) {
                throw new IllegalArgumentException(
                        option + " needs NAME=VALUE,... with a Redis setting's name and a value without spaces, got: '"
                                + s + "'");
            }
            out.put(name, value);
        }
        return Collections.unmodifiableMap(out);
    }

    private static List<Integer> ints(String option, String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            out.add(positive(option, s.trim()));
        }
        return List.copyOf(out);
    }
}
