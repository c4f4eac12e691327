package org.mqcgm.demo;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.outbound.OutboxSender;
import org.mqcgm.server.platform.security.Access;

/**
 * Demo only: {@code /demo/outbox} shows the e-mails and text messages the demo "sent" (sign-up codes, password
 * resets), since the demo has no mail server or SMS provider. Never registered by {@code mqcgm serve}.
 */
final class DemoOutboxPage {

    private final OutboxSender outbox;

    DemoOutboxPage(OutboxSender outbox) {
        this.outbox = outbox;
    }

    void register(Routes routes) {
        routes.get("/demo/outbox", Access.PUBLIC, this::show);
    }

    private void show(Context ctx) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Demo outbox · mqcgm</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body>"
                + "<main><section class=\"card\"><h1>Demo outbox</h1><p class=\"muted\">Messages the demo would "
                + "have sent by e-mail or SMS, newest first. Only the demo has this page.</p>");
        try {
            for (String message : outbox.newest(50)) {
                html.append("<pre class=\"policy\">").append(escape(message)).append("</pre><hr>");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.header("Cache-Control", "no-store");
        ctx.html(html.append("</section></main></body></html>").toString());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
