/**
 * Transparency: the machine-readable record of processing ({@code /privacy/processing.json}) and its page, generated
 * from the purpose registry and the declaration of every persisted column (PR-02).
 */
package org.mqcgm.server.transparency;
