-- A consent about one recipient (PR-44): the ledger keeps, next to the grants and withdrawals of a whole purpose,
-- events about one subject of that purpose — e.g. the end of one share ("share:<id>"), who ended it, which
-- categories and the masked recipient. What a purpose allows is decided by the events without a subject only, so
-- ending one share never stops the others. Adding a nullable column rewrites no row: the append-only triggers of
-- V9 stay as they are and still refuse every UPDATE, DELETE (outside erasure) and TRUNCATE.
alter table consent_event add column subject text check (subject is null or char_length(subject) between 1 and 100);
