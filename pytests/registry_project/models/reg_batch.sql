{{ config(materialized='view') }}
{#- One row: the source high-water mark of this run (var reg_high_water) and a scope reason. With var
    reg_batch_broken the column is misnamed, so that the run log insert - the last statement of the
    write - fails. -#}
select
    {{ lm_timestamp_literal(var('reg_high_water', '2025-01-01 00:00:00')) }}
    as {{ 'high_water_misnamed' if var('reg_batch_broken', false) else 'source_high_water_at' }},
    'registry_test' as scope_reason
