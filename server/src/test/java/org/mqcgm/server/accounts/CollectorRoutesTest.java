package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The collector's command as the getting-started page shows it. */
class CollectorRoutesTest {

    @Test
    void theCommandCarriesServerTokenAndZoneAndAllowsPlainHttpOnlyWhereTheCollectorNeedsIt() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertThat(CollectorRoutes.command("https://cgm.example.org", "mqcgm_x", berlin))
                .isEqualTo("./mqcgm collect --adapter hci0 --server https://cgm.example.org --token mqcgm_x"
                        + " --tz Europe/Berlin");
        assertThat(CollectorRoutes.command("http://localhost:8080", "mqcgm_x", berlin)).doesNotContain("--insecure");
        assertThat(CollectorRoutes.command("http://192.168.1.5:8080", "mqcgm_x", berlin))
                .endsWith(" --insecure-http");
    }
}
