-- Minors and guardians (PR-77): a sign-up's date of birth waits with the sign-up, sealed with a deployment secret
-- as the identifier is, until the code is confirmed (then the guardians feature keeps it under the account's key).
alter table registration add column birth_date_enc bytea;
