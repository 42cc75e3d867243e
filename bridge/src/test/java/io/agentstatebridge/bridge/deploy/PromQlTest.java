package io.agentstatebridge.bridge.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The scanner DeployedQueriesTest relies on tells metric names from everything else in PromQL. */
class PromQlTest {
    @Test
    void findsMetricsInsideFunctionsAggregationsAndBinaryOperations() {
        List<PromQl.Selector> selectors = PromQl.selectors("sum by (bridge) (rate(a_total{x=\"1\"}[5m])) / on(bridge) "
                + "sum(rate(b_count[$__rate_interval])) without (instance) > 0.5 and c offset 1h unless d == bool 1e3");
        assertThat(selectors).extracting(PromQl.Selector::metric).containsExactly("a_total", "b_count", "c", "d");
        assertThat(selectors.get(0).matchers()).containsExactly(new PromQl.LabelMatcher("x", "=", "1"));
    }

    @Test
    void readsEveryMatcherOperatorAndStringsWithBracesInside() {
        PromQl.Selector selector = PromQl.selectors("m{a=\"x}y\", b!=\"2\", c=~\"$bridge\", d!~'z'}").get(0);
        assertThat(selector.metric()).isEqualTo("m");
        assertThat(selector.matchers()).containsExactly(new PromQl.LabelMatcher("a", "=", "x}y"),
                new PromQl.LabelMatcher("b", "!=", "2"), new PromQl.LabelMatcher("c", "=~", "$bridge"),
                new PromQl.LabelMatcher("d", "!~", "z"));
    }

    @Test
    void reportsASelectorWithoutAMetricName() {
        assertThat(PromQl.selectors("{__name__=~\"agent_.*\"}")).extracting(PromQl.Selector::metric).containsExactly((String) null);
    }

    @Test
    void readsGrafanaLabelValuesQueries() {
        PromQl.LabelValuesQuery query = PromQl.labelValues("label_values(agent_state_bridge_role{role=\"active\"}, bridge)");
        assertThat(query.selector().metric()).isEqualTo("agent_state_bridge_role");
        assertThat(query.selector().matchers()).containsExactly(new PromQl.LabelMatcher("role", "=", "active"));
        assertThat(query.label()).isEqualTo("bridge");
    }
}
