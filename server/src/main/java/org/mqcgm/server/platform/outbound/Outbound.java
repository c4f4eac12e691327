package org.mqcgm.server.platform.outbound;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends messages in the background through the sender of their channel. Failures are logged with the recipient
 * masked, never with the body (which may hold a one-time code).
 */
public final class Outbound implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Outbound.class);

    private final Map<OutboundMessage.Channel, Sender> senders;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpTransfers http;
    /** The egress gateway every message goes through (set by the composition root; sends directly until then). */
    private volatile Gateway gateway = (m, sender) -> sender.send(m);
    private volatile org.mqcgm.server.platform.egress.Egress egress;

    /** What every message goes through before its sender (the egress gateway). */
    public interface Gateway {
        /** Checks, sends through {@code sender} and accounts for {@code message}. */
        void mail(OutboundMessage message, Sender sender) throws Exception;
    }

    public Outbound(Sender email, Sender sms) {
        this(email, sms, false);
    }

    /**
     * @param allowLoopbackHttp let HTTP transfers reach this machine's loopback address, over plain http too (tests
     *                          and development only: setting {@code MQCGM_TRANSFERS_ALLOW_LOOPBACK_HTTP})
     */
    public Outbound(Sender email, Sender sms, boolean allowLoopbackHttp) {
        this.senders = Map.of(OutboundMessage.Channel.EMAIL, email, OutboundMessage.Channel.SMS, sms);
        this.http = new HttpTransfers(allowLoopbackHttp);
    }

    /**
     * The HTTP sender under the egress gateway: POSTs to https addresses on public hosts only, redirects never
     * followed. See {@link HttpTransfers}. Features never call it directly ({@code EgressArchitectureTest}): they
     * send through {@link #egress()}.
     */
    public HttpTransfers http() {
        return http;
    }

    /** Routes every message, transfer and push through the egress gateway (the composition root does, once). */
    public void through(org.mqcgm.server.platform.egress.Egress gateway) {
        this.egress = gateway;
        this.gateway = gateway;
    }

    /** The egress gateway: the one way personal data leaves the server (PR-43). */
    public org.mqcgm.server.platform.egress.Egress egress() {
        org.mqcgm.server.platform.egress.Egress e = egress;
        if (e == null) {
            throw new IllegalStateException("no egress gateway: the composition root routes Outbound through one");
        }
        return e;
    }

    /** The file outbox, when the SMS channel is one (the bundled channel). */
    public java.util.Optional<OutboxSender> outbox() {
        return senders.get(OutboundMessage.Channel.SMS) instanceof OutboxSender o ? java.util.Optional.of(o)
                : java.util.Optional.empty();
    }

    /** Queues a message; returns at once. */
    public void send(OutboundMessage message) {
        executor.execute(() -> {
            try {
                gateway.mail(message, senders.get(message.channel()));
                log.info("sent {} to {}", message.channel().name().toLowerCase(java.util.Locale.ROOT),
                        message.maskedRecipient());
            } catch (Exception e) {
                log.warn("could not send {} to {}: {}", message.channel(), message.maskedRecipient(),
                        e.getClass().getSimpleName());
            }
        });
    }

    /**
     * Queues a message like {@link #send} and tells the caller when the channel's sender accepted it (the future
     * completes) or could not (it completes exceptionally): a delivery receipt for notices that must be tracked
     * per person (security incidents, PR-58). Logged as {@link #send} logs.
     */
    public java.util.concurrent.CompletableFuture<Void> deliver(OutboundMessage message) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        executor.execute(() -> {
            try {
                gateway.mail(message, senders.get(message.channel())); // through the egress gateway, as send
                log.info("sent {} to {}", message.channel().name().toLowerCase(java.util.Locale.ROOT),
                        message.maskedRecipient());
                done.complete(null);
            } catch (Exception e) {
                log.warn("could not send {} to {}: {}", message.channel(), message.maskedRecipient(),
                        e.getClass().getSimpleName());
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Lets queued messages go out (at most five seconds). */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
