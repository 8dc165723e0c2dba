import { useEffect, useRef } from 'react';
import { LoadingState } from './states.js';

export interface InfiniteScrollProps {
  hasMore: boolean;
  loading: boolean;
  /** The last attempt failed: wait for the user instead of retrying on sight. */
  failed?: boolean;
  onLoadMore: () => void;
  /** How far ahead of the viewport loading starts. */
  rootMargin?: string;
}

/**
 * Placed after a list: loads the next page when it scrolls into view (IntersectionObserver)
 * and offers a "Load more" button for keyboards and browsers without the observer.
 */
export function InfiniteScroll({ hasMore, loading, failed = false, onLoadMore, rootMargin = '200px' }: InfiniteScrollProps) {
  const sentinel = useRef<HTMLDivElement>(null);
  const latestOnLoadMore = useRef(onLoadMore);
  useEffect(() => {
    latestOnLoadMore.current = onLoadMore;
  });

  const watching = hasMore && !loading && !failed;
  useEffect(() => {
    const element = sentinel.current;
    if (!watching || !element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) latestOnLoadMore.current();
      },
      { rootMargin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [watching, rootMargin]);

  if (loading) return <LoadingState label="Loading more…" />;
  if (!hasMore) return null;
  return (
    <div ref={sentinel} className="infinite-scroll">
      {failed && <p className="form-error">The next items could not be loaded.</p>}
      <button type="button" className="button button-secondary" onClick={onLoadMore}>
        {failed ? 'Try again' : 'Load more'}
      </button>
    </div>
  );
}
