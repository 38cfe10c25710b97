-- Guards: every calc profile defines every parameter any profile defines (a missing one would be NULL
-- in int_calc_params and silently change results).
with

profiles as (
    select distinct calc_profile
    from {{ ref('lm_calc_profiles') }}
),

parameters as (
    select distinct parameter_code
    from {{ ref('lm_calc_profiles') }}
),

defined as (
    select
        calc_profile,
        parameter_code
    from {{ ref('lm_calc_profiles') }}
),

final as (
    select
        profiles.calc_profile,
        parameters.parameter_code
    from profiles
    cross join parameters
    left join defined
        on
            profiles.calc_profile = defined.calc_profile
            and parameters.parameter_code = defined.parameter_code
    where defined.calc_profile is null
)

select * from final
