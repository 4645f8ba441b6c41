-- Reference numbers (DEFUS-2026-0042) come from one sequence per year instead of a counter row.
-- The counter row was locked from the first statement of each inquiry's transaction until its
-- commit, so inquiries were stored one after the other, each waiting for the disk; a sequence
-- hands out numbers without locking. Numbers still count up from 1 in every year; one can be
-- skipped when a transaction fails after taking it (or the same form is sent twice at the same
-- instant), never handed out twice.

-- The next number of `for_year`, creating that year's sequence at its first inquiry.
create function next_inquiry_number(for_year integer) returns bigint as $$
declare
    sequence_name text := 'inquiry_number_' || for_year;
begin
    if to_regclass(sequence_name) is null then
        -- The first inquiry of the year. Should another transaction create the sequence at the
        -- same moment, this waits for it to commit and then uses its sequence.
        begin
            execute format('create sequence if not exists %I', sequence_name);
        exception when unique_violation or duplicate_table then
            null;
        end;
    end if;
    return nextval(sequence_name::regclass);
end;
$$ language plpgsql;

-- The numbers handed out so far continue in their sequences.
do $$
declare
    counter record;
begin
    for counter in select year, last_number from inquiry_reference_counter loop
        execute format('create sequence inquiry_number_%s start with %s', counter.year,
                       counter.last_number + 1);
    end loop;
end;
$$;

drop table inquiry_reference_counter;
