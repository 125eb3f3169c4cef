package io.accountlifecycle.api;

import java.util.List;

/**
 * One page of a list; every list the service answers has this shape.
 *
 * @param page       zero-based page number
 * @param size       the page size asked for
 * @param totalItems how many items the whole list has
 * @param hasNext    whether a page follows this one
 */
public record PageView<T>(List<T> items, int page, int size, long totalItems, boolean hasNext) {

    public PageView {
        items = List.copyOf(items);
    }

    /** The page of {@code all} at {@code page} of {@code size}; for lists already in memory. */
    public static <T> PageView<T> of(List<T> all, int page, int size) {
        int from = (int) Math.min((long) page * size, all.size());
        int to = Math.min(from + size, all.size());
        return new PageView<>(all.subList(from, to), page, size, all.size(), to < all.size());
    }
}
