# syntax=docker/dockerfile:1
# The bridge as an image: `docker build -t agent-state-bridge .` then
# `docker run agent-state-bridge run|migrate|verify|status|resnapshot ...`, configured with AGENT_STATE_BRIDGE_*
# variables (README.md lists them; docs/deployment.md shows how to give passwords).
# The tools (loadgen, demo, bench, soak) are an image of their own, the `tools` stage:
# `docker build --target tools -t agent-state-bridge-tools .`; nothing of them is in the bridge's image.
# docker-compose.yml uses both; the tests in bridge/src/test/java/io/agentstatebridge/bridge/deploy/ and
# tools/src/test/java/io/agentstatebridge/tools/deploy/ keep them consistent with the code.

# Stage 1: the shaded jar. Tests are skipped: they need PostgreSQL servers, which an image build has no business
# starting; they run in `mvn verify`.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY sql sql
COPY projections projections
COPY loadgen loadgen
COPY bridge bridge
COPY tools tools
COPY client client
COPY kafka-sink kafka-sink
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -pl bridge -am package -DskipTests

# The Kafka Connect sink's plugin, built only when the Connect image is.
FROM build AS kafka-sink-build
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -pl kafka-sink -am package -DskipTests

# A Kafka Connect worker with both plugins: Debezium's PostgreSQL connector (in the image) and the projections'
# sink (docs/kafka-connect.md). docker-compose.yml's kafka profile runs it.
FROM quay.io/debezium/connect:3.6 AS kafka-connect
COPY --from=kafka-sink-build /src/kafka-sink/target/agent-state-bridge-kafka-sink-plugin /kafka/connect/agent-state-bridge-kafka-sink

# The tools' shaded jar, built only when the tools image is.
FROM build AS tools-build
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -pl tools -am package -DskipTests

# The tools' image: a JRE and the tools' jar, run by an unprivileged user. Its commands serve no /health, so it
# has no HEALTHCHECK.
FROM eclipse-temurin:17-jre AS tools
RUN groupadd --system tools && useradd --system --gid tools --home-dir /app --no-create-home tools
WORKDIR /app
COPY --from=tools-build /src/tools/target/agent-state-bridge-tools.jar /app/agent-state-bridge-tools.jar
USER tools
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/agent-state-bridge-tools.jar"]
CMD ["--help"]

# The bridge's image, the default target: a JRE and the jar, run by an unprivileged user.
FROM eclipse-temurin:17-jre AS bridge
RUN groupadd --system bridge && useradd --system --gid bridge --home-dir /app --no-create-home bridge
WORKDIR /app
COPY --from=build /src/bridge/target/agent-state-bridge.jar /app/agent-state-bridge.jar
# The launcher the README runs too: one place for the JVM's settings.
COPY bin/agent-state-bridge /app/agent-state-bridge
USER bridge
# Inside a container the status page, /metrics and /health must be reachable from other containers.
ENV AGENT_STATE_BRIDGE_HTTP_BIND=0.0.0.0
EXPOSE 9187
# /health/live fails only once the bridge has FAILED; /health/ready also while it catches up, which is no
# reason to call the container unhealthy. The snapshot of a large source may take a while: hence the start period.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${AGENT_STATE_BRIDGE_HTTP_PORT:-9187}/health/live" || exit 1
# The launcher gives the JVM a heap that holds what the bridge keeps in memory at most (the process stays under about
# 384 MB resident, whatever the backlog or the container's limit) and ends it on running out of memory, so that it
# is restarted rather than left limping. It execs java: the JVM is PID 1 and receives the stop signal itself.
ENTRYPOINT ["/app/agent-state-bridge"]
CMD ["run"]
