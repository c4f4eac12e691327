package org.mqcgm.collector.transport;

import java.time.Duration;
import java.util.List;
import org.mqcgm.core.ble.sensor.Advertisement;

/**
 * The GATT client operations the collector needs from a CGM, by 16-bit characteristic UUID. Implementations scan
 * for the CGM service (0x181F) only: an advertisement of any other device is dropped inside the transport and
 * never returned, stored or logged (PR-16).
 */
public interface CgmTransport extends AutoCloseable {

    /** The Continuous Glucose Monitoring Service. */
    int CGM_SERVICE = 0x181F;

    /** Scans for at most {@code timeout}; returns CGMS sensors only. */
    List<Advertisement> scan(Duration timeout) throws TransportException;

    /**
     * Connects to {@code address}, bonds (pairs if not yet bonded) and delivers the sensor's notifications,
     * indications and link loss to {@code listener} until {@link #disconnect()} or link loss.
     */
    void connect(String address, GattListener listener) throws TransportException;

    byte[] read(int uuid16) throws TransportException;

    /** Write Request (acknowledged), so ATT errors such as 0x80/0x81 surface as {@link TransportException}. */
    void write(int uuid16, byte[] value) throws TransportException;

    /** Enables notifications (CGM Measurement) or indications (RACP, SOCP) by writing the CCCD. */
    void subscribe(int uuid16) throws TransportException;

    /** Closes the link if there is one. */
    void disconnect();

    @Override
    void close();

    /** What a connected sensor sends on its own. Called from a transport thread; must not block. */
    interface GattListener {
        void onNotification(int uuid16, byte[] value);

        void onIndication(int uuid16, byte[] value);

        void onLinkLost(String reason);
    }
}
