package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's address behind reverse proxies: headers believed only through trusted hops. */
class ClientAddressTest {

    private static ClientAddress trusting(String networks) {
        return new ClientAddress(new ClientAddress.Settings(ClientAddress.Settings.parseNetworks(networks),
                ClientAddress.Header.X_FORWARDED_FOR));
    }

    private static ClientAddress trustingForwarded(String networks) {
        return new ClientAddress(new ClientAddress.Settings(ClientAddress.Settings.parseNetworks(networks),
                ClientAddress.Header.FORWARDED));
    }

    @Test
    void withoutTrustedProxiesTheSocketPeerIsTheClientWhateverTheHeadersSay() {
        ClientAddress none = new ClientAddress(ClientAddress.Settings.NONE);
        assertThat(none.resolve("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
    }

    @Test
    void aSpoofedHeaderFromAnUntrustedPeerIsIgnored() {
        ClientAddress c = trusting("10.0.0.0/8");
        assertThat(c.resolve("203.0.113.5", List.of("198.51.100.1, 10.0.0.2"))).isEqualTo("203.0.113.5");
    }

    @Test
    void theChainIsWalkedFromTheRightSkippingTrustedProxies() {
        ClientAddress c = trusting("10.0.0.0/8, 192.168.1.1");
        // The client put a fake address first; the edge proxy appended the real one (198.51.100.7).
        assertThat(c.resolve("10.0.0.1", List.of("1.2.3.4, 198.51.100.7, 192.168.1.1"))).isEqualTo("198.51.100.7");
        // The chain split over two header lines counts as one list.
        assertThat(c.resolve("10.0.0.1", List.of("1.2.3.4, 198.51.100.7", "10.9.9.9"))).isEqualTo("198.51.100.7");
        // Only trusted hops: the leftmost is the client.
        assertThat(c.resolve("10.0.0.1", List.of("10.1.1.1, 10.2.2.2"))).isEqualTo("10.1.1.1");
        // A trusted peer without a header is the client itself.
        assertThat(c.resolve("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
        // Ports are not part of the address.
        assertThat(c.resolve("10.0.0.1", List.of("198.51.100.7:5123"))).isEqualTo("198.51.100.7");
    }

    @Test
    void malformedHopsStopTheWalkAtTheLastTrustedProxyAndNeverResolveNames() {
        ClientAddress c = trusting("10.0.0.0/8");
        assertThat(c.resolve("10.0.0.1", List.of("example.org"))).isEqualTo("10.0.0.1");
        assertThat(c.resolve("10.0.0.1", List.of("198.51.100.7, nonsense, 10.0.0.3"))).isEqualTo("10.0.0.3");
        assertThat(c.resolve("10.0.0.1", List.of("999.1.1.1"))).isEqualTo("10.0.0.1");
        assertThat(c.resolve("10.0.0.1", List.of(",,,"))).isEqualTo("10.0.0.1");
        assertThat(c.resolve("10.0.0.1", List.of("1:2:3:4:5:6:7:8:9:10"))).isEqualTo("10.0.0.1");
        assertThat(c.resolve("10.0.0.1", List.of("x".repeat(10_000)))).isEqualTo("10.0.0.1");
    }

    @Test
    void theForwardedHeaderOfRfc7239IsReadWhenConfigured() {
        ClientAddress c = trustingForwarded("10.0.0.0/8, fd00::/8");
        assertThat(c.resolve("10.0.0.1", List.of("for=192.0.2.60;proto=http;by=10.0.0.1"))).isEqualTo("192.0.2.60");
        assertThat(c.resolve("10.0.0.1", List.of("for=\"[2001:db8:cafe::17]:4711\", for=fd00::1")))
                .isEqualTo("2001:db8:cafe:0:0:0:0:17");
        assertThat(c.resolve("10.0.0.1", List.of("For=\"_hidden\", for=198.51.100.3"))).isEqualTo("198.51.100.3");
        assertThat(c.resolve("10.0.0.1", List.of("for=unknown"))).isEqualTo("10.0.0.1");
        assertThat(c.resolve("10.0.0.1", List.of("proto=https"))).isEqualTo("10.0.0.1");
    }

    @Test
    void ipv6TrustedProxiesAndPeersWork() {
        ClientAddress c = trusting("::1/128, 2001:db8:ffff::/48");
        assertThat(c.resolve("::1", List.of("2001:db8:1:2::99, 2001:db8:ffff::1"))).isEqualTo("2001:db8:1:2:0:0:0:99");
        assertThat(c.resolve("2001:db8:fffe::1", List.of("198.51.100.7"))).isEqualTo("2001:db8:fffe:0:0:0:0:1");
    }

    /** Jetty gives an IPv6 socket peer in brackets ({@code ctx.ip()} is {@code [2001:db8:ffff:0:0:0:0:1]}). */
    @Test
    void anIpv6SocketPeerInBracketsAsJettyGivesItIsReadAsAnAddress() {
        ClientAddress c = trusting("2001:db8:ffff::/48");
        assertThat(c.resolve("[2001:db8:ffff:0:0:0:0:1]", List.of("2001:db8:1:2::99")))
                .as("a trusted IPv6 proxy's header is believed").isEqualTo("2001:db8:1:2:0:0:0:99");
        String direct = c.resolve("[2001:db8:1:2:0:0:0:5]", List.of("198.51.100.7"));
        assertThat(direct).as("an untrusted IPv6 peer is the client, in canonical form")
                .isEqualTo("2001:db8:1:2:0:0:0:5");
        assertThat(ClientAddress.bucket(direct)).isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    void ipv6AddressesAreCountedByTheirSlash64AndIpv4ByTheAddress() {
        assertThat(ClientAddress.bucket("2001:db8:1:2:aaaa::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.bucket("2001:db8:1:2:bbbb:cccc:dddd:eeee")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.bucket("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
        assertThat(ClientAddress.bucket("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(ClientAddress.bucket("::ffff:198.51.100.7")).isEqualTo("198.51.100.7");
    }

    @Test
    void theSettingRefusesWhatIsNotANetwork() {
        assertThat(ClientAddress.Settings.parseNetworks(" ")).isEmpty();
        assertThat(ClientAddress.Settings.parseNetworks("10.0.0.0/8,::1")).hasSize(2);
        assertThatThrownBy(() -> ClientAddress.Settings.parseNetworks("proxy.example.org"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy.example.org");
        assertThatThrownBy(() -> ClientAddress.Settings.parseNetworks("10.0.0.0/33"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> ClientAddress.Settings.parseNetworks("10.0.0.0/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
