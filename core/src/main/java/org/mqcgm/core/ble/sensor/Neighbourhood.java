package org.mqcgm.core.ble.sensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Other Bluetooth devices near the wearer — headphones, watches, phones, a fitness band — so tests can prove the
 * collector never records them (PR-16). Deterministic for a seed.
 */
public final class Neighbourhood {

    private static final String[] KINDS = {"Headphones", "Watch", "Earbuds", "Fitness Band", "Speaker", "Phone",
        "Keyboard", "Scale"};
    /** Audio sink, heart rate, battery, device information, HID, body composition… never 0x181F. */
    private static final int[][] SERVICES = {{0x110B}, {0x180D, 0x180F}, {0x110B, 0x180F}, {0x180D, 0x1814},
        {0x110B}, {0x1805}, {0x1812}, {0x181B}};

    private Neighbourhood() {
    }

    /** {@code count} foreign devices with random static addresses. */
    public static List<Advertisement> foreignDevices(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Advertisement> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = rnd.nextInt(KINDS.length);
            List<Integer> services = new ArrayList<>();
            for (int s : SERVICES[kind]) {
                services.add(s);
            }
            list.add(new Advertisement(randomStaticAddress(rnd), KINDS[kind] + " " + (i + 1), services,
                    -40 - rnd.nextInt(50)));
        }
        return List.copyOf(list);
    }

    /** A random static address (two most significant bits set). */
    public static String randomStaticAddress(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < 6; b++) {
            int v = rnd.nextInt(256);
            if (b == 0) {
                v |= 0xC0;
            }
            if (b > 0) {
                sb.append(':');
            }
            sb.append(String.format(Locale.ROOT, "%02X", v));
        }
        return sb.toString();
    }
}
