package org.mqcgm.server.logbook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.logbook.LogbookEntries;

/** The logbook as other features write and read it ({@link LogbookEntries}): the API's validation, no photos. */
final class LogbookPort implements LogbookEntries {

    private final Checkins checkins;
    private final Clock dataClock;

    LogbookPort(Checkins checkins, Clock dataClock) {
        this.checkins = checkins;
        this.dataClock = dataClock;
    }

    @Override
    public Optional<ObjectNode> add(UUID owner, ObjectNode checkin) {
        try {
            return Optional.of(out(checkins.create(owner, CheckinInput.read(withoutPhotos(checkin),
                    dataClock.instant()))));
        } catch (ProblemException refused) {
            return Optional.empty();
        }
    }

    @Override
    public List<Optional<ObjectNode>> addAll(UUID owner, List<ObjectNode> list) {
        Instant now = dataClock.instant();
        List<CheckinInput.Draft> drafts = new java.util.ArrayList<>(list.size());
        for (ObjectNode c : list) {
            try {
                drafts.add(CheckinInput.read(withoutPhotos(c), now));
            } catch (ProblemException refused) {
                drafts.add(null);
            }
        }
        List<Checkin> stored = checkins.createAll(owner, drafts.stream().filter(java.util.Objects::nonNull).toList());
        java.util.Iterator<Checkin> it = stored.iterator();
        return drafts.stream().map(d -> d == null ? Optional.<ObjectNode>empty() : Optional.of(out(it.next())))
                .toList();
    }

    @Override
    public Optional<ObjectNode> replace(UUID owner, UUID id, ObjectNode checkin) {
        try {
            return checkins.update(owner, id, current -> {
                ObjectNode body = withoutPhotos(checkin);
                body.put("kind", current.kind().id());
                return CheckinInput.read(body, dataClock.instant());
            }).map(LogbookPort::out);
        } catch (ProblemException refused) {
            return Optional.empty();
        }
    }

    @Override
    public boolean remove(UUID owner, UUID id) {
        return checkins.delete(owner, id);
    }

    @Override
    public Optional<ObjectNode> find(UUID owner, UUID id) {
        return checkins.find(owner, id).map(LogbookPort::out);
    }

    @Override
    public List<ObjectNode> between(UUID owner, Instant from, Instant to, int limit) {
        return checkins.list(owner, from, to, null, limit).stream().map(LogbookPort::out).toList();
    }

    @Override
    public List<ObjectNode> between(UUID owner, Instant from, Instant to, int limit,
                                    java.util.function.Predicate<UUID> skip) {
        return checkins.listExcept(owner, from, to, skip, limit).stream().map(LogbookPort::out).toList();
    }

    @Override
    public List<ObjectNode> changedSince(UUID owner, Instant since, int limit,
                                         java.util.function.Predicate<UUID> skip) {
        return checkins.changedSince(owner, since, skip, limit).stream().map(LogbookPort::out).toList();
    }

    @Override
    public Optional<Instant> lastChanged(UUID owner) {
        return checkins.lastChanged(owner);
    }

    private static ObjectNode withoutPhotos(ObjectNode checkin) {
        ObjectNode body = checkin.deepCopy();
        body.remove("photos");
        body.remove("id");
        body.remove("updated");
        return body;
    }

    private static ObjectNode out(Checkin c) {
        ObjectNode n = CheckinInput.asBody(c);
        n.put("id", c.id().toString());
        n.put("created", c.created().toString());
        n.put("updated", c.updated().toString());
        return n;
    }
}
