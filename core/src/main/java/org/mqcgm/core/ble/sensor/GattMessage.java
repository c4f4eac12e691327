package org.mqcgm.core.ble.sensor;

import java.util.Arrays;

/** What the sensor sends to the connected collector without being asked: notifications, indications, link loss. */
public sealed interface GattMessage {

    /** A notification (unacknowledged), e.g. a CGM Measurement. */
    record Notification(int uuid16, byte[] value) implements GattMessage {
        public Notification {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Notification n && n.uuid16 == uuid16 && Arrays.equals(n.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * uuid16 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Notification[" + Integer.toHexString(uuid16) + ", " + value.length + " bytes]";
        }
    }

    /** An indication (acknowledged by the collector's stack), e.g. a RACP or SOCP response. */
    record Indication(int uuid16, byte[] value) implements GattMessage {
        public Indication {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Indication n && n.uuid16 == uuid16 && Arrays.equals(n.value, value);
        }

        @Override
        public int hashCode() {
            return 17 * uuid16 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Indication[" + Integer.toHexString(uuid16) + ", " + value.length + " bytes]";
        }
    }

    /** The sensor dropped the link (fault injection or out of range); nothing else follows until reconnect. */
    record LinkLost(String reason) implements GattMessage {
    }
}
