-- token_count as the source reads it, whatever the read server's version. PostgreSQL 16 and later read
-- integers in hexadecimal, octal and binary and with underscores between digits ('0x1F'::int = 31,
-- '1_000'::int = 1000); 15 does not. The definitions are evaluated on the source, so a read side on 15
-- fed by a source on 16 or later must still count such values. A source on 15 rejects them on the
-- write side, so accepting them here never counts what the source would not. Only values the read
-- server's own cast refuses reach the second part (same grammar as PostgreSQL 16's pg_strtoint32:
-- ASCII whitespace around, a sign, an optional base prefix, an underscore only before a digit and,
-- without a prefix, not first).
CREATE OR REPLACE FUNCTION agent_state_bridge.int_or_null(value TEXT) RETURNS INTEGER
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    parts     TEXT[];
    base      INTEGER;
    digits    TEXT;
    digit     TEXT;
    magnitude NUMERIC := 0;
BEGIN
    BEGIN
        RETURN value::INT;
    EXCEPTION WHEN OTHERS THEN
        NULL;
    END;
    parts := regexp_match(value, '^[ \t\n\r\v\f]*([+-]?)(?:(0[xX])((?:_?[0-9A-Fa-f])+)|(0[oO])((?:_?[0-7])+)'
        '|(0[bB])((?:_?[01])+)|([0-9](?:_?[0-9])*))[ \t\n\r\v\f]*$');
    IF parts IS NULL THEN
        RETURN NULL;
    ELSIF parts[3] IS NOT NULL THEN
        base := 16; digits := parts[3];
    ELSIF parts[5] IS NOT NULL THEN
        base := 8; digits := parts[5];
    ELSIF parts[7] IS NOT NULL THEN
        base := 2; digits := parts[7];
    ELSE
        base := 10; digits := parts[8];
    END IF;
    FOREACH digit IN ARRAY regexp_split_to_array(replace(digits, '_', ''), '') LOOP
        magnitude := magnitude * base + strpos('0123456789abcdef', lower(digit)) - 1;
        IF magnitude > 2147483648 THEN
            RETURN NULL;
        END IF;
    END LOOP;
    IF parts[1] = '-' THEN
        RETURN -magnitude;
    ELSIF magnitude > 2147483647 THEN
        RETURN NULL;
    END IF;
    RETURN magnitude;
END
$$;
