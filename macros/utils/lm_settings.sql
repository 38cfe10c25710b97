{#-
    Deployment settings that come from the environment (dbt does not render env_var() inside the vars
    block of dbt_project.yml). Each is a var first, so `--vars` still overrides it.
-#}

{# Where the client's OperatorBot tables live: var lm_source_schema, else env LM_SOURCE_SCHEMA, else lm_src. #}
{% macro lm_source_schema() %}
    {{ return(var('lm_source_schema', env_var('LM_SOURCE_SCHEMA', 'lm_src'))) }}
{% endmacro %}

{# Where lm_value lives: beside call_history by default, so the app's unqualified joins find both. #}
{% macro lm_value_schema() %}
    {{ return(var('lm_value_schema', env_var('LM_VALUE_SCHEMA', lm_source_schema()))) }}
{% endmacro %}

