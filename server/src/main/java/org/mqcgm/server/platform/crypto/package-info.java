/**
 * Envelope encryption. A master key (a Tink keyset kept outside the database) wraps one AES-256-GCM data key per
 * user; personal data is encrypted with the owner's data key, so deleting that one row makes every copy of their
 * data — in the database, replicas and backups — unreadable (crypto-shredding, PR-65).
 */
package org.mqcgm.server.platform.crypto;
