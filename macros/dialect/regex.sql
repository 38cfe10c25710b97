{#-
    Regular expressions. Three engines: MySQL 8 (ICU), MariaDB 10.11 (PCRE2), DuckDB (RE2).
    Portable pattern subset (means the same on all three): literal letters and digits, `.`, bracket
    classes such as [0-9] [a-z_] [^,] [.] (write a literal dot or other metacharacter as a one-character
    class, never with a backslash: MySQL string literals eat backslashes), anchors ^ $, quantifiers
    * + ? {m} {m,n}, alternation |, groups ( ) and (?: ). Avoid \d \w \s, backreferences, lookarounds,
    POSIX classes and inline flags other than the ones added here.
    Matching is case-sensitive on every engine (MySQL/MariaDB would otherwise follow the collation,
    which is case-insensitive by default).
-#}

{#- partial match (search) --------------------------------------------------------------------------- -#}
{% macro lm_regexp_like(expr, pattern) %}
    {{ return(adapter.dispatch('lm_regexp_like', 'lm')(expr, pattern)) }}
{% endmacro %}

{% macro default__lm_regexp_like(expr, pattern) %}
    {{ exceptions.raise_compiler_error("lm_regexp_like has no implementation for adapter type " ~ target.type) }}
{% endmacro %}

{# `(?-i)` switches off case-insensitive matching in both ICU and PCRE2. Returns 1/0/NULL (MySQL booleans). #}
{% macro mysql__lm_regexp_like(expr, pattern) -%}
    (({{ expr }}) regexp concat('(?-i)', {{ pattern }}))
{%- endmacro %}

{% macro duckdb__lm_regexp_like(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro mariadb__lm_regexp_like(expr, pattern) %}{{ return(lm.mysql__lm_regexp_like(expr, pattern)) }}{% endmacro %}

{% macro mysql5__lm_regexp_like(expr, pattern) %}{{ return(lm.mysql__lm_regexp_like(expr, pattern)) }}{% endmacro %}

{#- full match (the whole string) ------------------------------------------------------------------- -#}
{% macro lm_regexp_full_match(expr, pattern) %}
    {{ return(adapter.dispatch('lm_regexp_full_match', 'lm')(expr, pattern)) }}
{% endmacro %}

{% macro default__lm_regexp_full_match(expr, pattern) %}
    {{ exceptions.raise_compiler_error("lm_regexp_full_match has no implementation for adapter type " ~ target.type) }}
{% endmacro %}

{#
    `$` in ICU and PCRE2 also matches before a final newline ('12\n' would match ^[0-9]+$), RE2's does not.
    Appending a sentinel character and anchoring on it makes the MySQL side a true full match: the
    subject then never ends in a newline, so `#$` can only match the appended `#`, and whatever the
    pattern matched before it is the whole original string. (A string literal, not char(n), so the
    subject keeps its own collation and MySQL 8 gets no binary string.)
#}
{% macro mysql__lm_regexp_full_match(expr, pattern) -%}
    (concat({{ expr }}, '#') regexp concat('(?-i)^(?:', {{ pattern }}, ')#$'))
{%- endmacro %}

{% macro duckdb__lm_regexp_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro mariadb__lm_regexp_full_match(expr, pattern) %}{{ return(lm.mysql__lm_regexp_full_match(expr, pattern)) }}{% endmacro %}

{% macro mysql5__lm_regexp_full_match(expr, pattern) %}{{ return(lm.mysql__lm_regexp_full_match(expr, pattern)) }}{% endmacro %}
