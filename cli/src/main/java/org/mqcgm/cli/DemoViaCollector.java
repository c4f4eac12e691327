package org.mqcgm.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.mqcgm.collector.transport.InProcessTransport;
import org.mqcgm.collector.transport.SensorHost;
import org.mqcgm.collector.upload.MqcgmApiTarget;
import org.mqcgm.collector.upload.UploadTarget;
import org.mqcgm.core.ble.sensor.GlucoseSource;
import org.mqcgm.core.ble.sensor.SensorConfig;
import org.mqcgm.core.ble.sensor.VirtualCgmSensor;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.demo.Demo;

/**
 * {@code mqcgm demo --via-collector}: the demo's live readings come from a virtual sensor on the demo's clock,
 * through the collector and its queue, to the API with the demo token — the whole path a real sensor's readings
 * take.
 */
final class DemoViaCollector {

    private DemoViaCollector() {
    }

    static AutoCloseable start(Demo demo, Path dataDir, double speed, ZoneId zone) {
        GlucoseSource trace = GlucoseSource.trace(new GlucoseTrace(Demo.SEED, zone));
        SensorHost host = new SensorHost(new VirtualCgmSensor(SensorConfig.defaults("C0:4D:51:47:DE:30", trace)),
                demo.clock(), List.of());
        host.startTicking(Duration.ofMillis(Math.max(20, Math.min(1000, (long) (60_000 / speed)))));
        List<AutoCloseable> resources = new ArrayList<>(List.of(host));
        List<UploadTarget> targets = List.of(new MqcgmApiTarget(URI.create(demo.info().url()), demo.info().token()));
        CollectCommand.Running collector = CollectCommand.start(new InProcessTransport(host),
                dataDir.toAbsolutePath().resolve("collector"), targets, demo.clock(), zone, resources);
        return () -> {
            try {
                collector.close();
            } finally {
                demo.close();
            }
        };
    }
}
