package org.mqcgm.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Push is standard Web Push written here (RFC 8030/8291/8292), with no vendor SDK: a push SDK added to the build
 * (directly or through another library) fails it, since none is declared (PR-12; there is no SDK registry yet,
 * PR-49).
 */
class NoPushSdkTest {

    /** Jar name parts of push SDKs (Firebase Messaging, OneSignal, JPush, Getui, Huawei HMS, Xiaomi, Umeng, ...). */
    static final List<String> PUSH_SDKS = List.of("firebase", "onesignal", "jpush", "jcore", "getui", "gtsdk",
            "hms", "mipush", "xiaomi", "umeng", "pushy", "webpush-java", "nl.martijndwars", "aliyun-push", "vivo-push",
            "oppo-push", "pushwoosh", "airship", "urbanairship", "braze");

    @Test
    void noVendorPushSdkIsOnTheServersClasspath() {
        List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> new File(p).getName().toLowerCase(Locale.ROOT)).filter(n -> n.endsWith(".jar")).toList();
        assertThat(jars).as("the class path is the build's").isNotEmpty();
        assertThat(jars).filteredOn(j -> PUSH_SDKS.stream().anyMatch(j::contains)).isEmpty();
        // Tink's apps-webpush (the RFC 8291 encryption) is a crypto library from the declared Tink family, not a push
        // service's SDK: it talks to no one.
        assertThat(jars).anyMatch(j -> j.startsWith("apps-webpush"));
    }
}
