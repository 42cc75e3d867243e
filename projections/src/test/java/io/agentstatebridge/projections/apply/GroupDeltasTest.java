package io.agentstatebridge.projections.apply;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GroupDeltasTest {

    @Test
    void plainTokenCountsAreReadAsTheDefinitionWouldCastThem() {
        assertThat(GroupDeltas.tokenCount(null)).isZero();
        assertThat(GroupDeltas.tokenCount("{\"token_count\": 42, \"role\": \"user\"}")).isEqualTo(42);
        assertThat(GroupDeltas.tokenCount("{\"role\": {\"token_count\": 5}, \"token_count\": -7}")).isEqualTo(-7);
        assertThat(GroupDeltas.tokenCount("{\"token_count\": \" +12 \"}")).isEqualTo(12);
        assertThat(GroupDeltas.tokenCount("{\"token_count\": null}")).isZero();
        assertThat(GroupDeltas.tokenCount("{\"other\": [1, 2]}")).isZero();
        assertThat(GroupDeltas.tokenCount("[{\"token_count\": 3}]")).isZero();
        assertThat(GroupDeltas.tokenCount("\"token_count\"")).isZero();
    }

    @Test
    void anythingElseIsLeftToPostgreSql() {
        assertThat(GroupDeltas.tokenCount("{\"token_count\": 3000000000}")).isNull();
        assertThat(GroupDeltas.tokenCount("{\"token_count\": 1.5}")).isNull();
        assertThat(GroupDeltas.tokenCount("{\"token_count\": \"0x1F\"}")).isNull();
        assertThat(GroupDeltas.tokenCount("{\"token_count\": \"many\"}")).isNull();
        assertThat(GroupDeltas.tokenCount("{\"token_count\": true}")).isNull();
        assertThat(GroupDeltas.tokenCount("{\"token_count\": {\"n\": 1}}")).isNull();
    }
}
