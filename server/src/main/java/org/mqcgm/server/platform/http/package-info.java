/**
 * HTTP plumbing shared by all features: the Javalin server with virtual threads, request ids, security headers,
 * RFC 9457 problem responses for every error, and {@link org.mqcgm.server.platform.http.Routes}, through which
 * every route is registered together with its access rule.
 */
package org.mqcgm.server.platform.http;
