-- LM's run log, read back by the next run (see _lm_state__sources.yml for who writes it).

with

source as (
    select
        invocation_id,
        relation_name,
        run_started_at,
        logged_at,
        calc_source,
        calc_profile,
        lm_version,
        is_full_refresh,
        scope_calls,
        rows_written,
        rows_deleted,
        source_high_water_at,
        scope_reason,
        settings_fingerprint,
        settings_json
    from {{ source('lm_state', 'lm_run_log') }}
),

final as (
    select
        invocation_id,
        relation_name,
        run_started_at,
        logged_at,
        calc_source,
        calc_profile,
        lm_version,
        is_full_refresh,
        scope_calls,
        rows_written,
        rows_deleted,
        source_high_water_at,
        scope_reason,
        settings_fingerprint,
        settings_json
    from source
)

select * from final
