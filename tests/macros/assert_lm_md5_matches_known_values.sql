-- Guards lm_md5: lowercase hex MD5 of the UTF-8 bytes (reference digests from RFC 1321 / Python
-- hashlib), identical on both engines for non-ASCII text; NULL stays NULL. Compared byte for byte, so an
-- uppercase digest fails on MariaDB's case-insensitive collation too.
{%- set cases %}
    select 1 as case_id, '' as input_text, 'd41d8cd98f00b204e9800998ecf8427e' as expected
    union all
    select 2, 'abc', '900150983cd24fb0d6963f7d28e17f72'
    union all
    select 3, 'The quick brown fox jumps over the lazy dog', '9e107d9d372bb6826bd81d3542a419d6'
    union all
    select 4, 'приём', '8c35ecd3e791adae9d06b9a99d16ad22'
    union all
    select 5, null, null
{%- endset %}
{{ lm_known_values(cases, checks=[
    {'name': 'md5', 'actual': lm_md5('input_text'), 'expected': 'expected', 'compare': 'text'},
]) }}
