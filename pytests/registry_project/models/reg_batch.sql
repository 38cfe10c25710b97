{{ config(materialized='view') }}
{#- One row: the source high-water mark of this run (var reg_high_water). -#}
select {{ lm_timestamp_literal(var('reg_high_water', '2025-01-01 00:00:00')) }} as source_high_water_at
