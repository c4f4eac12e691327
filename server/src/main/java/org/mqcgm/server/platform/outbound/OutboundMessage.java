package org.mqcgm.server.platform.outbound;

/**
 * One message to send.
 *
 * @param channel e-mail or SMS
 * @param to      an e-mail address or an E.164 phone number
 * @param subject subject line (e-mail; ignored for SMS)
 * @param body    plain text
 * @param headers extra e-mail header fields (the newsletter's {@code List-Unsubscribe} and
 *                {@code List-Unsubscribe-Post}, RFC 8058); empty for every other message
 */
public record OutboundMessage(Channel channel, String to, String subject, String body,
                              java.util.Map<String, String> headers) {

    public OutboundMessage {
        headers = java.util.Map.copyOf(new java.util.TreeMap<>(headers));
    }

    /** A message without extra header fields. */
    public OutboundMessage(Channel channel, String to, String subject, String body) {
        this(channel, to, subject, body, java.util.Map.of());
    }

    public enum Channel { EMAIL, SMS }

    /** The recipient with most of it hidden, for logs ({@code a***@example.org}, {@code +86*******78}). */
    public String maskedRecipient() {
        if (channel == Channel.EMAIL) {
            int at = to.indexOf('@');
            return at <= 0 ? "***" : to.charAt(0) + "***" + to.substring(at);
        }
        return to.length() <= 5 ? "***" : to.substring(0, 3) + "*".repeat(to.length() - 5) + to.substring(to.length() - 2);
    }
}
