{{ config(enabled=var('reg_probe', false)) }}
{#- What lm_last_high_water() renders for the current invocation (read back by the test). -#}
select
    {{ lm_sql_string(lm_last_high_water()) }} as rendered_literal
