-- Guards the KPI counts: calls offered = answered + abandoned + missed + busy + failed, on every row, and
-- lost + short abandons = abandoned + missed.
select
    call_date,
    dimension,
    dimension_value
from {{ ref('vw_lm_kpi_daily') }}
where
    calls_offered <> calls_answered + calls_abandoned + calls_missed + calls_busy + calls_failed
    or calls_lost + short_abandons <> calls_abandoned + calls_missed
