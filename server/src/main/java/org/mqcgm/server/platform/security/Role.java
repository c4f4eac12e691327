package org.mqcgm.server.platform.security;

/** Roles a person can hold. Every account is a {@code USER}; the others are granted. */
public enum Role {
    USER, GUARDIAN, FOLLOWER, SUPPORT, ADMIN,
    /** Works the community's moderation queue (hides and restores reported posts and comments). */
    MODERATOR,
    /**
     * The data protection officer: registers, reviews and approves disclosures without consent (PR-31, PR-34,
     * PR-45; a second DPO approves what one registered), and decides the rights desk's deletion cases, complaints,
     * fees and refusals.
     */
    DPO;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
