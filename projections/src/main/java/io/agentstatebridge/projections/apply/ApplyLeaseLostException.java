package io.agentstatebridge.projections.apply;

/**
 * Another instance has taken over applying for this bridge name since this applier did: its
 * batches would land behind the other's, so none is committed any more. Retrying cannot help;
 * the instance stops applying.
 */
public final class ApplyLeaseLostException extends RuntimeException {
    public ApplyLeaseLostException(String bridgeName, long ownEpoch, long currentEpoch) {
        super("another instance of bridge '" + bridgeName + "' has taken over applying into this read side (leader epoch "
                + currentEpoch + ", this instance's " + ownEpoch + "); this instance applies nothing more, so that it "
                + "cannot write behind it");
    }
}
