package io.agentstatebridge.bridge.status;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * One process's identity among the instances of a bridge: a fresh id per start, so a restarted
 * process is a new instance, and the host and pid an operator needs to find it.
 */
public record BridgeInstance(String instanceId, String host, long pid) {

    public static BridgeInstance ofThisProcess() {
        return new BridgeInstance(UUID.randomUUID().toString(), hostName(), ProcessHandle.current().pid());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null || fromEnvironment.isBlank() ? "unknown" : fromEnvironment;
        }
    }
}
