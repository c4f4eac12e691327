package org.mqcgm.collector.queue;

import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * What the collector has received of one sensor session: every time offset up to {@link #last()} (none missing),
 * and the offsets seen beyond it. A record is new if its offset is above {@code last} and not yet seen; the next
 * backfill asks for offsets ≥ {@code last + 1}.
 */
public final class SessionCursor {

    private int last = -1;
    private final NavigableSet<Integer> above = new TreeSet<>();

    /** The highest offset such that nothing at or below it is missing; −1 before the first. */
    public synchronized int last() {
        return last;
    }

    /** True if the record at {@code offset} was already received. */
    public synchronized boolean seen(int offset) {
        return offset <= last || above.contains(offset);
    }

    synchronized void record(int offset, boolean advances) {
        if (advances && offset > last) {
            moveTo(offset);
        } else if (offset > last) {
            above.add(offset);
        }
    }

    /** A backfill finished with nothing missing: everything up to the highest offset seen is complete. */
    synchronized void complete(int upTo) {
        int target = Math.max(upTo, above.isEmpty() ? last : above.last());
        if (target > last) {
            moveTo(target);
        }
    }

    private void moveTo(int offset) {
        last = offset;
        above.headSet(offset, true).clear();
    }

    /** Offsets seen above {@link #last()}, ascending. */
    public synchronized int[] seenAbove() {
        return above.stream().mapToInt(Integer::intValue).toArray();
    }
}
