package io.agentstatebridge.projections.change;

import java.util.List;
import java.util.Objects;

/** Changes applied to the read side in one transaction, in source order, with the position they reach. */
public record ChangeBatch(List<RowChange> changes, SourcePosition position) {
    public ChangeBatch {
        changes = List.copyOf(changes);
        Objects.requireNonNull(position, "position");
    }
}
