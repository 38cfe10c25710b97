{#- Strings: concatenation and hashing. -#}

{#-
    lm_concat(exprs): exprs is a list of SQL expressions. NULL if any of them is NULL (standard `||`).
    Pass strings, integers, decimals or dates; booleans render differently (MySQL '1', DuckDB 'true'):
    convert them with lm_bool_to_int first.
-#}
{% macro lm_concat(exprs) %}{{ return(adapter.dispatch('lm_concat', 'lm')(exprs)) }}{% endmacro %}

{# The argument check shared by the implementations: a non-empty list, not a string. #}
{% macro lm_check_expr_list(macro_name, exprs) %}
    {% if exprs is string or exprs is not iterable or exprs | length == 0 %}
        {{ exceptions.raise_compiler_error(macro_name ~ " needs a non-empty list of SQL expressions, got " ~ exprs) }}
    {% endif %}
{% endmacro %}

{# MySQL/MariaDB read `||` as OR (unless sql_mode has PIPES_AS_CONCAT); CONCAT() is NULL if any argument is. #}
{% macro mysql__lm_concat(exprs) -%}
    {%- do lm.lm_check_expr_list('lm_concat', exprs) -%}
    concat({{ exprs | join(', ') }})
{%- endmacro %}

{% macro mariadb__lm_concat(exprs) %}{{ return(lm.mysql__lm_concat(exprs)) }}{% endmacro %}

{# `||`, not concat(): DuckDB's concat() skips NULLs. #}
{% macro duckdb__lm_concat(exprs) -%}
    {%- do lm.lm_check_expr_list('lm_concat', exprs) -%}
    ({% for expr in exprs %}cast({{ expr }} as varchar){% if not loop.last %} || {% endif %}{% endfor %})
{%- endmacro %}

{#- lm_md5(expr): lowercase hex MD5 of the UTF-8 bytes of a string; NULL stays NULL. -#}
{% macro lm_md5(expr) %}{{ return(adapter.dispatch('lm_md5', 'lm')(expr)) }}{% endmacro %}

{#
    MD5() hashes the bytes of the string in its own character set: the same as DuckDB for utf8mb3/utf8mb4
    text (the only kind LM hashes); a latin1 column would hash different bytes.
#}
{% macro mysql__lm_md5(expr) -%}
    lower(md5({{ expr }}))
{%- endmacro %}

{% macro mariadb__lm_md5(expr) %}{{ return(lm.mysql__lm_md5(expr)) }}{% endmacro %}

{% macro duckdb__lm_md5(expr) -%}
    md5(cast({{ expr }} as varchar))
{%- endmacro %}

{#-
    lm_hmac_sha256(inner_pad_hex, outer_pad_hex, message): lowercase hex HMAC-SHA-256 (RFC 2104) of the
    UTF-8 bytes of message. The key enters only as its two 64-byte pads, hex text (K xor 0x36.., K xor
    0x5c.., K zero-padded to 64 bytes, or its SHA-256 when longer): SQL expressions, in LM a scalar
    read of lm_caller_secret, so the key itself never appears in SQL text, logs or view definitions.
    HMAC = SHA256(outer_pad || SHA256(inner_pad || message)). NULL message -> NULL.
-#}
{% macro lm_hmac_sha256(inner_pad_hex, outer_pad_hex, message) %}
    {{ return(adapter.dispatch('lm_hmac_sha256', 'lm')(inner_pad_hex, outer_pad_hex, message)) }}
{% endmacro %}

{# CONCAT of a binary and a text string is binary: the text's utf8mb4 bytes follow the pad. #}
{% macro mysql__lm_hmac_sha256(inner_pad_hex, outer_pad_hex, message) -%}
    lower(sha2(concat(unhex({{ outer_pad_hex }}), unhex(sha2(concat(unhex({{ inner_pad_hex }}), {{ message }}), 256))), 256))
{%- endmacro %}

{% macro mariadb__lm_hmac_sha256(inner_pad_hex, outer_pad_hex, message) %}
    {{ return(lm.mysql__lm_hmac_sha256(inner_pad_hex, outer_pad_hex, message)) }}
{% endmacro %}

{% macro duckdb__lm_hmac_sha256(inner_pad_hex, outer_pad_hex, message) -%}
    sha256(unhex({{ outer_pad_hex }}) || unhex(sha256(unhex({{ inner_pad_hex }}) || encode(cast({{ message }} as varchar)))))
{%- endmacro %}
