-- The consent ledger is append-only in the database itself (PR-67): whatever connects with the application's role,
-- a row of consent_event can be inserted but never changed or removed, so the ledger proves what a person allowed
-- and when.
--
-- The one deliberate escape is erasure of a whole person (account cancellation, issue 11): a transaction that runs
--     set local mqcgm.erasure = 'on';
-- may DELETE rows (also through the on-delete-cascade from account). `set local` ends with the transaction, so the
-- escape never leaks into a pooled connection's later work. Without it, deleting an account that has consent events
-- fails too. UPDATE and TRUNCATE are refused always.
create function consent_event_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' and coalesce(current_setting('mqcgm.erasure', true), '') = 'on' then
        return old;
    end if;
    raise exception 'consent_event is append-only: % is not allowed (PR-67)', tg_op
        using errcode = 'insufficient_privilege',
              hint = 'Only account erasure may delete, after set local mqcgm.erasure = ''on''.';
end;
$$;

create trigger consent_event_no_change before update or delete on consent_event
    for each row execute function consent_event_append_only();
create trigger consent_event_no_truncate before truncate on consent_event
    for each statement execute function consent_event_append_only();
