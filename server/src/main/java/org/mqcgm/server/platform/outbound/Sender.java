package org.mqcgm.server.platform.outbound;

/** Delivers messages of one channel. Implementations may block; {@link Outbound} calls them off the request. */
public interface Sender {

    void send(OutboundMessage message) throws Exception;
}
