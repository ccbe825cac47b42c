package io.jrq.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads a scrape in the Prometheus text format with the Prometheus project's own parser (the
 * {@code prometheus_client} Python package, {@code text_string_to_metric_families}), so a test
 * checks what Prometheus would read, not what a regular expression finds. It needs Debian's
 * {@code python3-prometheus-client}; without it the test is skipped, or failed under
 * {@value Requirements#STRICT}=1 (see {@link Requirements}).
 */
public final class PrometheusText {
    /** Debian's interpreter, which sees Debian's Python packages (another python3 may come first on PATH). */
    private static final String PYTHON =
            Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    private static final String SCRIPT = String.join(
            "\n",
            "import sys, urllib.parse",
            "from prometheus_client.parser import text_string_to_metric_families",
            "q = lambda s: urllib.parse.quote(s, safe='')",
            "for family in text_string_to_metric_families(sys.stdin.read()):",
            "    for s in family.samples:",
            "        labels = '\\t'.join(q(k) + '=' + q(v) for k, v in sorted(s.labels.items()))",
            "        print(q(family.type) + '\\t' + q(s.name) + '\\t' + repr(float(s.value)) + ('\\t' + labels if labels else ''))");

    /**
     * One sample of a scrape.
     *
     * @param type the metric family's type ({@code counter}, {@code gauge}, {@code summary}, ...)
     * @param name the sample's name ({@code jrq_jobs_finished_total}, {@code ..._count}, ...)
     * @param labels its labels
     * @param value its value
     */
    public record Sample(String type, String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    /**
     * @param scrape the text a {@code /metrics} endpoint served
     * @return its samples, as the Prometheus parser reads them
     * @throws AssertionError when the parser refuses the text (the message has its error)
     */
    public static PrometheusText parse(String scrape) {
        Requirements.require(
                available(), "the Prometheus text parser is missing: apt-get install python3-prometheus-client");
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", SCRIPT).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(scrape.getBytes(StandardCharsets.UTF_8));
            }
            String out = read(p.getInputStream());
            String err = read(p.getErrorStream());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("the Prometheus parser refused the scrape: " + err);
            }
            List<Sample> samples = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t");
                Map<String, String> labels = new LinkedHashMap<>();
                for (int i = 3; i < f.length; i++) {
                    int eq = f[i].indexOf('=');
                    labels.put(decode(f[i].substring(0, eq)), decode(f[i].substring(eq + 1)));
                }
                samples.add(new Sample(decode(f[0]), decode(f[1]), labels, Double.parseDouble(f[2])));
            }
            return new PrometheusText(List.copyOf(samples));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return whether the parser can run here */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.parser")
                    .redirectErrorStream(true)
                    .start();
            read(p.getInputStream());
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return every sample */
    public List<Sample> samples() {
        return samples;
    }

    /**
     * @param name a sample name
     * @param labels label names and values, alternating; the sample may have more labels
     * @return the samples of that name carrying those labels
     */
    public List<Sample> find(String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && has(s, labels)) {
                found.add(s);
            }
        }
        return found;
    }

    /**
     * @param name a sample name
     * @param labels label names and values, alternating
     * @return the sum of the values of those samples (0 when there is none)
     */
    public double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /**
     * @param name a sample name
     * @param labels label names and values, alternating
     * @return the value of the one sample of that name with those labels, empty when there is none
     * @throws AssertionError when there are several
     */
    public Optional<Double> value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " samples match " + name + " " + List.of(labels) + ": " + found);
        }
        return found.stream().findFirst().map(Sample::value);
    }

    private static boolean has(Sample s, String[] labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }
}
