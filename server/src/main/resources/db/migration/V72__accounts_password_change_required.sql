-- Issue 16 (ASVS V2.1.7): set when a successful login found the password among the breached or common passwords
-- the rules refuse for new ones; until the password is changed, the web session may do nothing else. Cleared by
-- any password change or reset.
alter table account add column password_change_required_at timestamptz;
