package org.mqcgm.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mqcgm.core.ble.CgmsCodec;
import org.mqcgm.core.ble.CgmsJsonView;
import org.mqcgm.core.ble.CgmsValue;
import org.mqcgm.core.ble.CodecContext;
import org.mqcgm.core.ble.Decoded;
import org.mqcgm.core.ble.Hex;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqcgm ble decode --char 2AA7 HEX}: one characteristic value as JSON (the vectors' field names). */
@Command(name = "ble", mixinStandardHelpOptions = true, description = "Bluetooth CGM Service tools.",
        subcommands = BleCommand.Decode.class)
final class BleCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = {"Decode one CGMS characteristic value and print it as JSON (a CGM Measurement is an "
                    + "array of records).", "Invalid input prints the reason on one line and exits 1."})
    static final class Decode implements Callable<Integer> {
        @Option(names = "--char", required = true, description = "Characteristic UUID, e.g. 2AA7 or 0x2a52.")
        String characteristic;

        @Option(names = "--crc", defaultValue = "unknown",
                description = "E2E-CRC per CGM Feature: unknown (infer from length), supported, not-supported.")
        String crc;

        @Parameters(arity = "1..*", paramLabel = "HEX", description = "The value in hex (spaces and : allowed).")
        String[] hex;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws JsonProcessingException {
            Optional<Integer> uuid = parseUuid(characteristic);
            if (uuid.isEmpty()) {
                return fail("--char: not a 16-bit UUID: " + characteristic);
            }
            CodecContext ctx = switch (crc) {
                case "unknown" -> CodecContext.UNKNOWN;
                case "supported" -> CodecContext.E2E_CRC_SUPPORTED;
                case "not-supported" -> CodecContext.E2E_CRC_NOT_SUPPORTED;
                default -> null;
            };
            if (ctx == null) {
                return fail("--crc: must be unknown, supported or not-supported");
            }
            Optional<byte[]> bytes = Hex.tryParse(String.join(" ", hex));
            if (bytes.isEmpty()) {
                return fail("HEX: not hexadecimal (" + String.join(" ", hex).strip() + ")");
            }
            Decoded<CgmsValue> decoded = CgmsCodec.decode(uuid.get(), bytes.get(), ctx);
            if (decoded instanceof Decoded.Invalid<CgmsValue> invalid) {
                return fail(invalid.error().describe());
            }
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
            spec.commandLine().getOut().println(json.writeValueAsString(CgmsJsonView.of(decoded.orElseThrow())));
            spec.commandLine().getOut().flush();
            return 0;
        }

        private int fail(String message) {
            spec.commandLine().getErr().println("mqcgm: " + message.replaceAll("[\\r\\n]+", " "));
            spec.commandLine().getErr().flush();
            return 1;
        }

        static Optional<Integer> parseUuid(String text) {
            String s = text.strip().toLowerCase(java.util.Locale.ROOT);
            if (s.startsWith("0x")) {
                s = s.substring(2);
            }
            if (!s.matches("[0-9a-f]{1,4}")) {
                return Optional.empty();
            }
            return Optional.of(Integer.parseInt(s, 16));
        }
    }
}
