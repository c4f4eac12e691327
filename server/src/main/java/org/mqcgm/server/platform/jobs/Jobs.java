package org.mqcgm.server.platform.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.mqcgm.server.platform.db.SafeErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recurring background work on db-scheduler: each job runs on one server node at a time (its table is in the
 * database), survives restarts, and reports how many rows it handled. Jobs can also be run at once by name (tests,
 * operators), which is how a test "advances the clock and runs the purge".
 */
public final class Jobs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    /** A named job and how often it runs. */
    public record Job(String name, Duration every, IntSupplier work) {
    }

    public static Job daily(String name, IntSupplier work) {
        return new Job(name, Duration.ofDays(1), work);
    }

    private final Scheduler scheduler;
    private final Map<String, Job> byName = new ConcurrentHashMap<>();

    private Jobs(Scheduler scheduler, List<Job> jobs, Observer observer) {
        this.scheduler = scheduler;
        this.observer = observer;
        jobs.forEach(j -> byName.put(j.name(), j));
    }

    /** What a job run is reported to (operators' metrics); does nothing by default. */
    @FunctionalInterface
    public interface Observer {
        void ran(String job, int rows, Duration took);
    }

    private final Observer observer;

    public static Jobs start(DataSource dataSource, Clock clock, List<Job> jobs) {
        return start(dataSource, clock, jobs, (job, rows, took) -> {
        });
    }

    public static Jobs start(DataSource dataSource, Clock clock, List<Job> jobs, Observer observer) {
        return start(dataSource, clock, jobs, observer, Duration.ofSeconds(10));
    }

    /**
     * As {@link #start(DataSource, Clock, List, Observer)}, looking for due jobs every {@code polling}. However many
     * nodes poll, each due run is taken by one of them (db-scheduler picks it with an update of its row).
     */
    public static Jobs start(DataSource dataSource, Clock clock, List<Job> jobs, Observer observer,
                             Duration polling) {
        List<RecurringTask<Void>> tasks = new ArrayList<>();
        for (Job job : jobs) {
            tasks.add(Tasks.recurring(job.name(), Schedules.fixedDelay(job.every()))
                    .execute((instance, context) -> runLogged(job, observer)));
        }
        Scheduler scheduler = Scheduler.create(dataSource)
                .startTasks(tasks)
                // Several threads, so that a long run (a daily purge, push deliveries waiting on a slow push service)
                // never holds back an urgent low's repeat or escalation; a 10 s poll keeps those within seconds of
                // their time (MQCGM_JOBS_POLL_SECONDS).
                .threads(4)
                .pollingInterval(polling)
                .clock(clock::instant)
                .build();
        scheduler.start();
        return new Jobs(scheduler, jobs, observer);
    }

    private static int runLogged(Job job, Observer observer) {
        long start = System.nanoTime();
        int n;
        try {
            n = job.work().getAsInt();
        } catch (RuntimeException e) {
            // One safe line here; the scheduler logs what we throw, so that is scrubbed of bound SQL values too.
            log.warn("job {} failed: {}", job.name(), SafeErrors.describe(e));
            throw new IllegalStateException("job " + job.name() + " failed: " + SafeErrors.describe(e),
                    SafeErrors.scrub(e));
        }
        observer.ran(job.name(), n, Duration.ofNanos(System.nanoTime() - start));
        log.info("job {} handled {} rows", job.name(), n);
        return n;
    }

    /** Runs a job now, in this thread; returns how many rows it handled. */
    public int runNow(String name) {
        Job job = byName.get(name);
        if (job == null) {
            throw new IllegalArgumentException("no job " + name);
        }
        return runLogged(job, observer);
    }

    @Override
    public void close() {
        scheduler.stop();
    }
}
