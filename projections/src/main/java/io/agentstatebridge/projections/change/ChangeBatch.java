package io.agentstatebridge.projections.change;

import java.util.List;
import java.util.Objects;

/**
 * Changes applied to the read side in one transaction, in source order, together with the
 * position they reach.
 *
 * @param startsSnapshot true when the batch opens a fresh snapshot of the source: the read side
 *                       is emptied first, because the snapshot alone describes the whole source
 */
public record ChangeBatch(List<RowChange> changes, SourcePosition position, boolean startsSnapshot) {
    public ChangeBatch {
        changes = List.copyOf(changes);
        Objects.requireNonNull(position, "position");
    }

    public ChangeBatch(List<RowChange> changes, SourcePosition position) {
        this(changes, position, false);
    }
}
