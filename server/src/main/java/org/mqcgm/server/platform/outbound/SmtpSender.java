package org.mqcgm.server.platform.outbound;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** E-mail through an SMTP server (Jakarta Mail / Angus). */
public final class SmtpSender implements Sender {

    /**
     * @param host     SMTP host ({@code MQCGM_SMTP_HOST})
     * @param port     port ({@code MQCGM_SMTP_PORT})
     * @param user     user name, or null for none ({@code MQCGM_SMTP_USER})
     * @param password password ({@code MQCGM_SMTP_PASSWORD})
     * @param from     sender address ({@code MQCGM_MAIL_FROM})
     * @param security {@code starttls} (default), {@code tls} or {@code none} ({@code MQCGM_SMTP_SECURITY})
     */
    public record Settings(String host, int port, String user, String password, String from, String security) {
        @Override
        public String toString() {
            return "SMTP " + host + ":" + port + " (" + security + ")";
        }
    }

    private final Session session;
    private final InternetAddress from;

    public SmtpSender(Settings s) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.smtp.host", s.host());
        p.put("mail.smtp.port", Integer.toString(s.port()));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        // TLS (both kinds) through the outbound clients' one TLS: chains, and certificate revocation (V9.2.4).
        if (!"none".equals(s.security())) {
            p.put("mail.smtp.ssl.socketFactory", OutboundTls.system().getSocketFactory());
        }
        switch (s.security()) {
            case "tls" -> {
                p.put("mail.smtp.ssl.enable", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case "none" -> {
            }
            default -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
        }
        boolean auth = s.user() != null && !s.user().isBlank();
        p.put("mail.smtp.auth", Boolean.toString(auth));
        this.session = auth ? Session.getInstance(p, new jakarta.mail.Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                // MQCGM_SMTP_PASSWORD_FILE is read again at each login (issue 16, V2.10.1).
                return new PasswordAuthentication(s.user(),
                        org.mqcgm.server.platform.security.SecretFile.resolve(s.password()));
            }
        }) : Session.getInstance(p);
        this.from = new InternetAddress(s.from(), true);
    }

    @Override
    public void send(OutboundMessage message) throws MessagingException {
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(from);
        mime.setRecipient(Message.RecipientType.TO, new InternetAddress(message.to(), true));
        mime.setSubject(message.subject(), StandardCharsets.UTF_8.name());
        mime.setText(message.body(), StandardCharsets.UTF_8.name());
        mime.setHeader("Auto-Submitted", "auto-generated");
        for (java.util.Map.Entry<String, String> h : new java.util.TreeMap<>(message.headers()).entrySet()) {
            mime.setHeader(h.getKey(), h.getValue());
        }
        Transport.send(mime);
    }
}
