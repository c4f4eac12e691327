package org.mqcgm.server.transfers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One transfer at a time per person, at most {@value Transfers#CONCURRENT} on a node. */
class TransferSlotsTest {

    private final Transfers transfers = new Transfers(null, null, null, null, java.time.Clock.systemUTC());

    @Test
    void onePerPersonAndAtMostFourOnANode() {
        UUID person = UUID.randomUUID();
        List<Transfers.Slot> held = new ArrayList<>();
        held.add(transfers.reserve(person));
        assertThatThrownBy(() -> transfers.reserve(person)).isInstanceOfSatisfying(Transfers.Busy.class,
                b -> assertThat(b.mine()).isTrue());
        for (int i = 1; i < Transfers.CONCURRENT; i++) {
            held.add(transfers.reserve(UUID.randomUUID()));
        }
        assertThatThrownBy(() -> transfers.reserve(UUID.randomUUID())).isInstanceOfSatisfying(Transfers.Busy.class,
                b -> assertThat(b.mine()).isFalse());

        held.remove(0).close();
        Transfers.Slot again = transfers.reserve(person);
        assertThatThrownBy(() -> transfers.reserve(UUID.randomUUID())).isInstanceOf(Transfers.Busy.class);
        again.close();
        again.close();
        held.forEach(Transfers.Slot::close);
        for (int i = 0; i < Transfers.CONCURRENT; i++) {
            transfers.reserve(UUID.randomUUID());
        }
    }
}
