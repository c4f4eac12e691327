package org.mqcgm.collector.bluez;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.collector.Collector;
import org.mqcgm.collector.CollectorMetrics;
import org.mqcgm.collector.PairingFile;
import org.mqcgm.collector.queue.ReadingJournal;
import org.mqcgm.testkit.LogCapture;
import org.mqcgm.collector.transport.SensorHost;
import org.mqcgm.collector.transport.TransportException;
import org.mqcgm.core.ble.sensor.Advertisement;
import org.mqcgm.core.ble.sensor.GattMessage;
import org.mqcgm.core.ble.sensor.GlucoseSource;
import org.mqcgm.core.ble.sensor.Neighbourhood;
import org.mqcgm.core.ble.sensor.SensorConfig;
import org.mqcgm.core.ble.sensor.VirtualCgmSensor;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/** The BlueZ transport against a fake bluetoothd whose CGM is the virtual sensor and whose air has 20 others. */
class BluezTransportTest {

    static final String CGM = "C0:FF:EE:AA:BB:CC";

    /** Answers like bluetoothd would, records every call. */
    static final class FakeBluez implements BluezBoundary {
        final SensorHost host;
        final List<Advertisement> foreign;
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Map<String, Consumer<byte[]>> notify = new HashMap<>();
        Runnable onDisconnect;
        boolean paired;
        List<String> filter = List.of();

        FakeBluez(SensorHost host, List<Advertisement> foreign) {
            this.host = host;
            this.foreign = foreign;
        }

        @Override
        public void powerOn(String adapter) {
            calls.add("powerOn " + adapter);
        }

        @Override
        public void setDiscoveryFilter(String adapter, List<String> uuids) {
            calls.add("filter " + uuids);
            filter = uuids;
        }

        @Override
        public void startDiscovery(String adapter) {
            calls.add("startDiscovery");
        }

        @Override
        public void stopDiscovery(String adapter) {
            calls.add("stopDiscovery");
        }

        @Override
        public List<Device> devices(String adapter) {
            // bluetoothd also lists devices it saw before the filter was set: the fake returns all of them
            List<Device> all = new ArrayList<>();
            for (Advertisement a : host.advertisements()) {
                all.add(new Device(a.address(), a.name(),
                        a.serviceUuids16().stream().map(BluezTransport::uuid128).toList(), a.rssi(),
                        a.address().equals(CGM) && paired));
            }
            for (Advertisement a : foreign) {
                all.add(new Device(a.address(), a.name(),
                        a.serviceUuids16().stream().map(BluezTransport::uuid128).toList(), a.rssi(), false));
            }
            return all;
        }

        @Override
        public void connect(String adapter, String address) throws BluezException {
            calls.add("connect " + address);
            try {
                host.connect(address, this::deliver);
            } catch (TransportException e) {
                throw new BluezException("org.bluez.Error.Failed: " + e.getMessage());
            }
        }

        private void deliver(GattMessage m) {
            switch (m) {
                case GattMessage.Notification n -> notify.get(BluezTransport.uuid128(n.uuid16())).accept(n.value());
                case GattMessage.Indication i -> notify.get(BluezTransport.uuid128(i.uuid16())).accept(i.value());
                case GattMessage.LinkLost l -> onDisconnect.run();
            }
        }

        @Override
        public void pair(String adapter, String address) throws BluezException {
            calls.add("pair " + address);
            try {
                host.bond();
            } catch (TransportException e) {
                throw new BluezException(e.getMessage());
            }
            paired = true;
        }

        @Override
        public void trust(String adapter, String address) {
            calls.add("trust " + address);
        }

        @Override
        public void disconnect(String adapter, String address) {
            host.disconnect();
        }

        private static int uuid16(String uuid128) {
            return Integer.parseInt(uuid128.substring(4, 8), 16);
        }

        @Override
        public byte[] read(String adapter, String address, String service, String c) throws BluezException {
            try {
                return host.read(uuid16(c));
            } catch (TransportException e) {
                throw new BluezException("org.bluez.Error.Failed: Operation failed with ATT error: "
                        + String.format("0x%02x", e.attError().orElse(0x0e)));
            }
        }

        @Override
        public void write(String adapter, String address, String service, String c, byte[] value)
                throws BluezException {
            try {
                host.write(uuid16(c), value);
            } catch (TransportException e) {
                throw new BluezException("org.bluez.Error.Failed: Operation failed with ATT error: "
                        + String.format("0x%02x", e.attError().orElse(0x0e)));
            }
        }

        @Override
        public void startNotify(String adapter, String address, String service, String c, Consumer<byte[]> onValue)
                throws BluezException {
            notify.put(c, onValue);
            try {
                host.subscribe(uuid16(c));
            } catch (TransportException e) {
                throw new BluezException(e.getMessage());
            }
        }

        @Override
        public void onDisconnect(String adapter, String address, Runnable r) {
            onDisconnect = r;
        }

        @Override
        public void close() {
        }
    }

    @TempDir
    Path dir;

    @Test
    @Tag("PR-16")
    void scansForTheCgmServiceOnlyPairsOnceAndCollects() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T00:00:00Z"));
        List<Advertisement> foreign = Neighbourhood.foreignDevices(20, 5);
        SensorConfig config = SensorConfig.defaults(CGM,
                GlucoseSource.trace(new GlucoseTrace(3, ZoneId.of("Europe/Berlin"))));
        CollectorMetrics metrics = new CollectorMetrics();
        try (SensorHost host = new SensorHost(new VirtualCgmSensor(config), clock, List.of());
             LogCapture logs = new LogCapture();
             ReadingJournal journal = ReadingJournal.open(dir.resolve("q"), List.of("t"))) {
            FakeBluez bluez = new FakeBluez(host, foreign);
            BluezTransport transport = new BluezTransport(bluez, "hci0");
            assertThat(transport.scan(Duration.ofSeconds(1))).extracting(Advertisement::address).containsExactly(CGM);
            assertThat(bluez.filter).containsExactly("0000181f-0000-1000-8000-00805f9b34fb");
            try (Collector collector = new Collector(transport, journal, new PairingFile(dir.resolve("q")), metrics,
                    clock, ZoneId.of("Europe/Berlin"), Collector.Options.defaults()
                    .withReconnect(Duration.ofMillis(10), Duration.ofMillis(100))).start()) {
                Wait.until("set up", collector::receiving);
                for (int i = 0; i < 12; i++) {
                    clock.advance(Duration.ofMinutes(5));
                    host.tick();
                }
                Wait.until("13 readings (offsets 0..60)", () -> journal.pendingCount("t") == 13);
                host.dropConnection("supervision timeout");
                Wait.until("reconnected", () -> bluez.calls.stream().filter(c -> c.startsWith("connect")).count() == 2
                        && collector.receiving());
                clock.advance(Duration.ofMinutes(5));
                host.tick();
                Wait.until("14 readings", () -> journal.pendingCount("t") == 14);
            }
            assertThat(bluez.calls.stream().filter(c -> c.startsWith("pair"))).hasSize(1);
            String recorded = logs.text() + String.join("\n", bluez.calls);
            for (Advertisement a : foreign) {
                assertThat(recorded).doesNotContain(a.address()).doesNotContain(a.name());
            }
        }
    }

    @Test
    void attErrorsFromBluezKeepTheirCode() {
        TransportException e = BluezTransport.failure("write 2aac",
                new BluezBoundary.BluezException("org.bluez.Error.Failed: Operation failed with ATT error: 0x81"));
        assertThat(e.attError()).hasValue(0x81);
        assertThatThrownBy(() -> new BluezTransport(new FakeBluez(null, List.of()), "hci0").read(0x2AA8))
                .hasMessage("not connected");
    }
}
