package org.mqcgm.server.alerts;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mqcgm.server.platform.push.PushNotifications;

/** A push port that records what it is asked to send (each person has one device). */
final class RecordingPush implements PushNotifications {

    record Sent(UUID owner, Notification notification) {
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public int send(UUID owner, Notification notification) {
        sent.add(new Sent(owner, notification));
        return 1;
    }

    List<Notification> to(UUID owner) {
        return sent.stream().filter(s -> s.owner().equals(owner)).map(Sent::notification).toList();
    }
}
