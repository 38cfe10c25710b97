-- The scale and offset every grader's scores are normalized with, and where they came from
-- (grader_scale_source), one row per grader seen in the gradings plus the 'default' row (for gradings
-- without a grader). The grader's most specific row of seed lm_grader_scales counts (exact code, else
-- its family pattern such as qa:*, else default):
--   override  - that row is an override (scale_role override): it wins over any fit;
--   fitted    - `lm calibrate` fitted the grader on its own gradings (lm_grader_calibration);
--   family_fallback - the grader had too few gradings for a fit and took its family's fit or prior,
--               or there is no fit and its most specific seed row is a family pattern;
--   prior     - no fit (or too few gradings), the seed's own row of the grader, a prior;
--   default   - the seed's default row (no own row, no family).
-- With no calibration stored this is exactly the seed lookup LM always made. The per-grader profile
-- over every grading (n_scored, n_out_of_scale, mean_normalized_score) is what the grader guards read
-- (tests/intermediate/scoring/assert_guard_grader_*).

with

gradings as (
    select
        scored_by,
        call_score
    from {{ ref('stg_operatorbot__call_scores') }}
),

seed_scales as (
    select
        grader_code,
        scale_min,
        scale_max,
        calibration_offset,
        scale_role
    from {{ ref('lm_grader_scales') }}
),

calibration as (
    select
        calibration_version,
        grader_code,
        scale_min,
        scale_max,
        calibration_offset,
        is_family_fallback,
        fallback_code
    from {{ ref('stg_lm_state__grader_calibration') }}
),

graders as (
    select distinct scored_by as grader_code
    from gradings
    where scored_by is not null and scored_by <> 'default'
    union all
    select 'default' as grader_code
),

seed_resolved as (
    select
        graders.grader_code,
        case
            when graders.grader_code = 'default' then 'default'
            when exact_scale.grader_code is not null then 'exact'
            when family_scale.grader_code is not null then 'family'
            else 'default'
        end as seed_level,
        coalesce(exact_scale.scale_min, family_scale.scale_min, default_scale.scale_min) as scale_min,
        coalesce(exact_scale.scale_max, family_scale.scale_max, default_scale.scale_max) as scale_max,
        coalesce(
            exact_scale.calibration_offset, family_scale.calibration_offset, default_scale.calibration_offset
        ) as calibration_offset,
        coalesce(exact_scale.scale_role, family_scale.scale_role, default_scale.scale_role) as scale_role
    from graders
    left join seed_scales as exact_scale
        on graders.grader_code = exact_scale.grader_code
    left join seed_scales as family_scale
        on
            family_scale.grader_code like '%*'
            and graders.grader_code like replace(family_scale.grader_code, '*', '%')
    left join seed_scales as default_scale
        on default_scale.grader_code = 'default'
),

resolved as (
    select
        seed_resolved.grader_code,
        case
            when seed_resolved.scale_role = 'override' then 'override'
            when calibration.grader_code is null and seed_resolved.seed_level = 'exact' then 'prior'
            when calibration.grader_code is null and seed_resolved.seed_level = 'family' then 'family_fallback'
            when calibration.grader_code is null then 'default'
            when not calibration.is_family_fallback then 'fitted'
            when calibration.fallback_code = 'default' then 'default'
            when calibration.fallback_code = calibration.grader_code then 'prior'
            else 'family_fallback'
        end as grader_scale_source,
        case
            when seed_resolved.scale_role = 'override' or calibration.grader_code is null
                then seed_resolved.scale_min
            else calibration.scale_min
        end as scale_min,
        case
            when seed_resolved.scale_role = 'override' or calibration.grader_code is null
                then seed_resolved.scale_max
            else calibration.scale_max
        end as scale_max,
        case
            when seed_resolved.scale_role = 'override' or calibration.grader_code is null
                then seed_resolved.calibration_offset
            else calibration.calibration_offset
        end as calibration_offset,
        case
            when seed_resolved.scale_role <> 'override' then calibration.calibration_version
        end as calibration_version
    from seed_resolved
    left join calibration
        on seed_resolved.grader_code = calibration.grader_code
),

profile as (
    select
        resolved.grader_code,
        count(gradings.call_score) as n_scored,
        sum(
            case
                when gradings.call_score < resolved.scale_min or gradings.call_score > resolved.scale_max then 1
                else 0
            end
        ) as n_out_of_scale,
        avg({{ lm_clamp(
            lm_safe_divide('gradings.call_score - resolved.scale_min', 'resolved.scale_max - resolved.scale_min')
            ~ ' - resolved.calibration_offset',
            0, 1
        ) }}) as mean_normalized_score
    from resolved
    left join gradings
        on resolved.grader_code = gradings.scored_by
    group by resolved.grader_code
),

final as (
    select
        resolved.grader_code,
        resolved.scale_min,
        resolved.scale_max,
        resolved.calibration_offset,
        resolved.grader_scale_source,
        resolved.grader_scale_source = 'default' as is_default_scale,
        resolved.calibration_version,
        cast(profile.n_scored as {{ lm_type_int() }}) as n_scored,
        cast(coalesce(profile.n_out_of_scale, 0) as {{ lm_type_int() }}) as n_out_of_scale,
        round(profile.mean_normalized_score, 4) as mean_normalized_score
    from resolved
    inner join profile
        on resolved.grader_code = profile.grader_code
)

select * from final
