package org.mqcgm.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The address of the one paired CGM, in {@code paired-sensor} (0600) in the collector's directory. It is the only
 * device address the collector ever stores (PR-16). Once a sensor is paired, the collector reconnects to it
 * without scanning.
 */
public final class PairingFile {

    public static final String FILE = "paired-sensor";

    private final Path file;
    private volatile String address;

    public PairingFile(Path directory) {
        this.file = directory.resolve(FILE);
        try {
            this.address = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (address != null && address.isEmpty()) {
            address = null;
        }
    }

    /** A pairing that is not stored (tests, {@code --adapter} with an explicit address). */
    public static PairingFile fixed(Path directory, String address) {
        PairingFile p = new PairingFile(directory);
        p.address = address;
        return p;
    }

    public Optional<String> address() {
        return Optional.ofNullable(address);
    }

    public void save(String value) {
        try {
            Path tmp = file.resolveSibling(FILE + ".new");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            address = value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forgets the sensor (a new sensor is paired by the next scan). */
    public void forget() {
        try {
            Files.deleteIfExists(file);
            address = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
