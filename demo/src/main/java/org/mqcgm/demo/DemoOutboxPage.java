package org.mqcgm.demo;

import io.javalin.http.Context;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.outbound.OutboxSender;
import org.mqcgm.server.platform.security.Access;

/**
 * Demo only: {@code /demo/outbox} shows the e-mails and text messages the demo "sent" (sign-up codes, password
 * resets), since the demo has no mail server or SMS provider. Never registered by {@code mqcgm serve}. The messages
 * hold codes and reset links for every account, so the page answers only a client on this machine: 404, like any
 * unknown path, unless the TCP peer of the request is a loopback address (whatever forwarding headers say), also
 * when the demo listens on all interfaces ({@code --host 0.0.0.0}).
 */
final class DemoOutboxPage {

    private final java.util.function.Supplier<OutboxSender> outbox;

    DemoOutboxPage(java.util.function.Supplier<OutboxSender> outbox) {
        this.outbox = outbox;
    }

    void register(Routes routes) {
        routes.get("/demo/outbox", Access.PUBLIC, this::show);
    }

    private void show(Context ctx) {
        if (!isLoopback(socketPeer(ctx))) {
            throw new ProblemException(Problem.notFound());
        }
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Demo outbox · mqcgm</title><link rel=\"stylesheet\" href=\"" + org.mqcgm.server.platform.web.StaticAssets.url("app.css") + "\"></head><body>"
                + "<main><section class=\"card\"><h1>Demo outbox</h1><p class=\"muted\">Messages the demo would "
                + "have sent by e-mail or SMS, newest first. Only the demo has this page.</p>");
        for (String message : outbox.get().newest(50)) {
            html.append("<pre class=\"policy\">").append(escape(message)).append("</pre><hr>");
        }
        ctx.header("Cache-Control", "no-store");
        ctx.html(html.append("</section></main></body></html>").toString());
    }

    /** The address at the other end of the request's TCP connection (not a forwarded client address), or null. */
    private static SocketAddress socketPeer(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        return request == null ? null
                : request.getConnectionMetaData().getConnection().getEndPoint().getRemoteSocketAddress();
    }

    /** True only for a resolved loopback address (127.0.0.0/8, ::1); unknown peers count as remote. */
    static boolean isLoopback(SocketAddress peer) {
        return peer instanceof InetSocketAddress address && address.getAddress() != null
                && address.getAddress().isLoopbackAddress();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
