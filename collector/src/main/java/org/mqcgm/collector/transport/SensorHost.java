package org.mqcgm.collector.transport;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.mqcgm.core.ble.sensor.Advertisement;
import org.mqcgm.core.ble.sensor.AttError;
import org.mqcgm.core.ble.sensor.GattMessage;
import org.mqcgm.core.ble.sensor.VirtualCgmSensor;

/**
 * Hosts a {@link VirtualCgmSensor} for transports: serialises access, reads the time from a {@link Clock},
 * delivers what the sensor sends to the connected link, finishes RACP transfers, and models the radio (in range or
 * not, neighbouring devices). {@link #tick()} advances the sensor; {@link #startTicking(Duration)} does it
 * periodically for a running simulator, tests call it directly with their own clock.
 */
public final class SensorHost implements AutoCloseable {

    private final VirtualCgmSensor sensor;
    private final Clock clock;
    private final List<Advertisement> neighbours;
    private Consumer<GattMessage> link;
    private boolean inRange = true;
    private ScheduledExecutorService ticker;

    public SensorHost(VirtualCgmSensor sensor, Clock clock, List<Advertisement> neighbours) {
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.neighbours = List.copyOf(neighbours);
    }

    /** Everything in the air: the sensor (when in range) and the neighbours, in no particular order. */
    public synchronized List<Advertisement> advertisements() {
        List<Advertisement> all = new ArrayList<>(neighbours);
        if (inRange) {
            all.add(all.size() / 2, sensor.advertisement());
        }
        return all;
    }

    /** Opens a link to the sensor; {@code sink} receives what it sends (must not block). */
    public synchronized void connect(String address, Consumer<GattMessage> sink) throws TransportException {
        if (!inRange || !sensor.advertisement().address().equalsIgnoreCase(address)) {
            throw new TransportException("device " + (inRange ? "not found" : "out of range"));
        }
        sensor.connect();
        link = sink;
    }

    /** Pairing: the simulated sensor accepts LE Secure Connections bonding. */
    public synchronized void bond() throws TransportException {
        requireLink();
        sensor.bond();
    }

    public synchronized void disconnect() {
        sensor.disconnect();
        link = null;
    }

    public synchronized byte[] read(int uuid16) throws TransportException {
        requireLink();
        try {
            return sensor.read(uuid16, clock.instant());
        } catch (AttError e) {
            throw new TransportException(e.getMessage(), e.code(), e);
        }
    }

    public synchronized void write(int uuid16, byte[] value) throws TransportException {
        requireLink();
        try {
            deliver(sensor.write(uuid16, value, clock.instant()));
        } catch (AttError e) {
            throw new TransportException(e.getMessage(), e.code(), e);
        }
        while (sensor.transferInProgress() && link != null) {
            deliver(sensor.pump());
        }
    }

    public synchronized void subscribe(int uuid16) throws TransportException {
        requireLink();
        try {
            sensor.setSubscribed(uuid16, true);
        } catch (AttError e) {
            throw new TransportException(e.getMessage(), e.code(), e);
        }
    }

    private void requireLink() throws TransportException {
        if (link == null) {
            throw new TransportException("not connected");
        }
    }

    /** Lets the sensor produce what is due by the clock's now. */
    public synchronized void tick() {
        deliver(sensor.tick(clock.instant()));
    }

    private void deliver(List<GattMessage> messages) {
        for (GattMessage m : messages) {
            Consumer<GattMessage> l = link;
            if (m instanceof GattMessage.LinkLost) {
                link = null;
            }
            if (l != null) {
                l.accept(m);
            }
        }
    }

    /** Drops the link now (forced disconnect); the collector may reconnect at once. */
    public synchronized void dropConnection(String reason) {
        if (link != null) {
            deliver(List.of(sensor.dropConnection(reason)));
        }
    }

    /** Out of range: the link drops and connections fail until back in range; the sensor keeps recording. */
    public synchronized void setInRange(boolean value) {
        inRange = value;
        if (!value) {
            dropConnection("out of range");
        }
    }

    public synchronized boolean linked() {
        return link != null;
    }

    /** Runs {@code f} on the sensor under this host's lock (inspection, fault injection). */
    public synchronized <T> T inspect(Function<VirtualCgmSensor, T> f) {
        return f.apply(sensor);
    }

    public Clock clock() {
        return clock;
    }

    /** Calls {@link #tick()} every {@code period} on a daemon thread until {@link #close()}. */
    public synchronized void startTicking(Duration period) {
        if (ticker != null) {
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sensor-clock");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, period.toMillis());
        ticker.scheduleAtFixedRate(this::tick, 0, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = ticker;
            ticker = null;
        }
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        disconnect();
    }
}
