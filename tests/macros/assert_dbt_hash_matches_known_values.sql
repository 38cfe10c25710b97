-- Guards the project's dbt.hash override on MySQL/MariaDB (dbt's stock hash() casts to TEXT, which CAST
-- rejects): lowercase hex MD5 of the value's text, for strings and integers, identical on both engines;
-- NULL stays NULL. Reference digests from Python hashlib.
with cases as (
    select
        1 as case_id,
        'abc' as text_value,
        123 as integer_value,
        '900150983cd24fb0d6963f7d28e17f72' as expected_text_hash,
        '202cb962ac59075b964b07152d234b70' as expected_integer_hash
    union all
    select
        2 as case_id,
        null as text_value,
        null as integer_value,
        null as expected_text_hash,
        null as expected_integer_hash
),

results as (
    select
        case_id,
        {{ dbt.hash('text_value') }} as actual_text_hash,
        expected_text_hash,
        {{ dbt.hash('integer_value') }} as actual_integer_hash,
        expected_integer_hash
    from cases
),

final as (
    select
        case_id,
        actual_text_hash,
        actual_integer_hash
    from results
    where
        {{ lm_text_is_distinct_from('actual_text_hash', 'expected_text_hash') }}
        or {{ lm_text_is_distinct_from('actual_integer_hash', 'expected_integer_hash') }}
)

select * from final
