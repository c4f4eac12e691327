package org.mqcgm.server.accounts;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.Optional;
import org.mqcgm.server.platform.outbound.OutboundMessage;

/**
 * What a person logs in with: an e-mail address or a mobile number in E.164 form. Each has its own blind index
 * (so the server finds the account without storing the identifier in clear) and its own channel for codes.
 */
public sealed interface Identifier {

    /** The normalised text: a lower-case e-mail or {@code +8613812345678}. */
    String value();

    /** How codes reach the person. */
    OutboundMessage.Channel channel();

    /** The blind-index purpose of this kind of identifier. */
    String indexPurpose();

    /** The account column holding the blind index. */
    String indexColumn();

    record Email(EmailAddress address) implements Identifier {
        @Override
        public String value() {
            return address.value();
        }

        @Override
        public OutboundMessage.Channel channel() {
            return OutboundMessage.Channel.EMAIL;
        }

        @Override
        public String indexPurpose() {
            return "email-index";
        }

        @Override
        public String indexColumn() {
            return "email_index";
        }
    }

    record Phone(String e164) implements Identifier {
        @Override
        public String value() {
            return e164;
        }

        @Override
        public OutboundMessage.Channel channel() {
            return OutboundMessage.Channel.SMS;
        }

        @Override
        public String indexPurpose() {
            return "phone-index";
        }

        @Override
        public String indexColumn() {
            return "phone_index";
        }
    }

    /**
     * Parses what a person typed: anything with an {@code @} must be an e-mail address; otherwise a mobile number
     * in international form ({@code +86 138 1234 5678}, spaces and dashes allowed), validated with
     * libphonenumber's metadata.
     */
    static Optional<Identifier> parse(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > 254) {
            return Optional.empty();
        }
        if (raw.contains("@")) {
            return EmailAddress.parse(raw).map(Email::new);
        }
        String t = raw.trim();
        if (!t.startsWith("+") || !t.substring(1).matches("[0-9 ()-]{6,24}")) {
            return Optional.empty();
        }
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        try {
            Phonenumber.PhoneNumber number = util.parse(t, "ZZ");
            if (!util.isValidNumber(number)) {
                return Optional.empty();
            }
            PhoneNumberUtil.PhoneNumberType type = util.getNumberType(number);
            if (type != PhoneNumberUtil.PhoneNumberType.MOBILE
                    && type != PhoneNumberUtil.PhoneNumberType.FIXED_LINE_OR_MOBILE) {
                return Optional.empty();
            }
            return Optional.of(new Phone(util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164)));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
