package org.mqcgm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Writes one line per finished test that carries a requirement tag ({@code @Tag("PR-31")}):
 * {@code PR-31 <tab> SUCCESSFUL <tab> org.example.SomeTest#scenarioName}. Registered through
 * {@code META-INF/services}, so every module that has testkit on its test class path records its tags into
 * {@code target/traceability/} (system property {@code mqcgm.traceability.dir}, set by the parent pom).
 */
public final class TraceabilityListener implements TestExecutionListener {

    static final Pattern REQUIREMENT = Pattern.compile("PR-\\d{2}");

    private final List<String> lines = new ArrayList<>();
    /**
     * Every line of this JVM so far: a forked JVM that is reused runs one test plan per test class, and each plan's
     * end rewrites the file with all of them (not only its own).
     */
    private static final List<String> WRITTEN = new ArrayList<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        this.plan = testPlan;
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!id.isTest()) {
            return;
        }
        List<String> tags = new ArrayList<>();
        collectTags(id, tags);
        for (String tag : tags) {
            lines.add(tag + "\t" + result.getStatus() + "\t" + describe(id));
        }
    }

    private void collectTags(TestIdentifier id, List<String> out) {
        for (TestTag tag : id.getTags()) {
            if (REQUIREMENT.matcher(tag.getName()).matches() && !out.contains(tag.getName())) {
                out.add(tag.getName());
            }
        }
        if (plan != null) {
            plan.getParent(id).ifPresent(parent -> collectTags(parent, out));
        }
    }

    /** {@code Class#method}; a dynamic test is described by the factory method that made it. */
    private String describe(TestIdentifier id) {
        TestIdentifier t = id;
        while (t != null && t.getSource().filter(s -> s instanceof MethodSource).isEmpty() && plan != null) {
            t = plan.getParent(t).orElse(null);
        }
        if (t == null) {
            return id.getDisplayName();
        }
        MethodSource m = (MethodSource) t.getSource().orElseThrow();
        String simple = m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1);
        return simple + "#" + m.getMethodName();
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
        String dir = System.getProperty("mqcgm.traceability.dir");
        if (dir == null || lines.isEmpty()) {
            return;
        }
        try {
            Path folder = Path.of(dir);
            Files.createDirectories(folder);
            // One file per module and test JVM (the build names it by fork: tags-1.tsv, tags-2.tsv), replaced at
            // every run, so results of earlier runs never linger and parallel forks never overwrite each other.
            Path file = folder.resolve(System.getProperty("mqcgm.traceability.file", "tags.tsv"));
            synchronized (WRITTEN) {
                WRITTEN.addAll(lines);
                Files.write(file, WRITTEN, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            }
            lines.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
